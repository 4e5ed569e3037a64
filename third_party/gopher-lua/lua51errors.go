package lua

// Error messages of operations on values of the wrong type, worded as Lua
// 5.1's and naming the variable the value came from as Lua 5.1's ldebug.c
// does (getobjname and symbexec): "attempt to index field 'choice' (a nil
// value)". kosmo patch, see PATCHES.md.

// typeError raises "attempt to <op> <kind> '<name>' (a <type> value)", or
// "attempt to <op> a <type> value" when v has no name.
func (ls *LState) typeError(v LValue, op string) {
	if kind, name := ls.varInfo(v); kind != "" {
		ls.RaiseError("%s", "attempt to "+op+" "+kind+" '"+name+"' (a "+v.Type().String()+" value)")
	}
	ls.RaiseError("%s", "attempt to "+op+" a "+v.Type().String()+" value")
}

// arithError blames the first operand that is not a number, as Lua 5.1's
// luaG_aritherror (strings that read as numbers count as numbers).
func (ls *LState) arithError(lhs, rhs LValue) {
	if !isArithNumber(lhs) {
		rhs = lhs
	}
	ls.typeError(rhs, "perform arithmetic on")
}

func isArithNumber(v LValue) bool {
	switch x := v.(type) {
	case LNumber:
		return true
	case LString:
		_, err := parseNumber(string(x))
		return err == nil
	}
	return false
}

// concatError blames the first operand that is neither a string nor a
// number, as Lua 5.1's luaG_concaterror.
func (ls *LState) concatError(lhs, rhs LValue) {
	if LVCanConvToString(lhs) {
		lhs = rhs
	}
	ls.typeError(lhs, "concatenate")
}

// orderError is Lua 5.1's luaG_ordererror.
func (ls *LState) orderError(lhs, rhs LValue) {
	t1, t2 := lhs.Type().String(), rhs.Type().String()
	if t1 == t2 {
		ls.RaiseError("attempt to compare two %s values", t1)
	}
	ls.RaiseError("attempt to compare %s with %s", t1, t2)
}

// varInfo names v when the instruction running in the current Lua function
// reads it from a register: the register's local variable, or where the
// value in it came from (a global, a field, an upvalue, a method).
func (ls *LState) varInfo(v LValue) (kind, name string) {
	cf := ls.currentFrame
	if cf == nil || cf.Fn == nil || cf.Fn.IsG || cf.Pc < 1 || cf.Pc > len(cf.Fn.Proto.Code) {
		return "", ""
	}
	pc := cf.Pc - 1
	for _, r := range operandRegisters(cf.Fn.Proto.Code[pc]) {
		if cf.LocalBase+r < ls.reg.Top() && ls.reg.Get(cf.LocalBase+r) == v {
			return objectName(cf.Fn, pc, r)
		}
	}
	return "", ""
}

// operandRegisters lists the registers an instruction reads a value from
// that it may fail on.
func operandRegisters(inst uint32) []int {
	a, b, c := opGetArgA(inst), opGetArgB(inst), opGetArgC(inst)
	var regs []int
	rk := func(x int) {
		if !opIsK(x) {
			regs = append(regs, x)
		}
	}
	switch opGetOpCode(inst) {
	case OP_GETTABLE, OP_GETTABLEKS, OP_SELF, OP_UNM, OP_LEN:
		rk(b)
	case OP_SETTABLE, OP_SETTABLEKS, OP_CALL, OP_TAILCALL:
		regs = append(regs, a)
	case OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW:
		rk(b)
		rk(c)
	case OP_CONCAT:
		for r := b; r <= c; r++ {
			regs = append(regs, r)
		}
	}
	return regs
}

// objectName is Lua 5.1's getobjname: the kind and name of the value in
// register reg at instruction pc of fn.
func objectName(fn *LFunction, pc, reg int) (kind, name string) {
	p := fn.Proto
	if name, ok := localName(p, reg, pc); ok {
		return "local", name
	}
	at := lastSetter(p, pc, reg)
	if at < 0 {
		return "", ""
	}
	inst := p.Code[at]
	switch opGetOpCode(inst) {
	case OP_GETGLOBAL:
		if s, ok := constantName(p, opGetArgBx(inst)); ok {
			return "global", s
		}
	case OP_MOVE:
		if b := opGetArgB(inst); b < opGetArgA(inst) {
			return objectName(fn, pc, b)
		}
	case OP_GETTABLE, OP_GETTABLEKS:
		return "field", keyName(p, opGetArgC(inst))
	case OP_GETUPVAL:
		if b := opGetArgB(inst); b < len(p.DbgUpvalues) {
			return "upvalue", p.DbgUpvalues[b]
		}
	case OP_SELF:
		return "method", keyName(p, opGetArgC(inst))
	}
	return "", ""
}

// localName is the local variable in register reg at instruction pc: the
// compiler numbers the active locals from register 0 and records the first
// and the last instruction of each.
func localName(p *FunctionProto, reg, pc int) (string, bool) {
	for _, l := range p.DbgLocals {
		if l.StartPc > pc {
			break
		}
		if pc <= l.EndPc {
			if reg == 0 {
				return l.Name, true
			}
			reg--
		}
	}
	return "", false
}

func constantName(p *FunctionProto, k int) (string, bool) {
	if k < len(p.Constants) {
		if s, ok := p.Constants[k].(LString); ok {
			return string(s), true
		}
	}
	return "", false
}

// keyName is Lua 5.1's kname: a constant string key, or "?".
func keyName(p *FunctionProto, rk int) string {
	if opIsK(rk) {
		if s, ok := constantName(p, opIndexK(rk)); ok {
			return s
		}
	}
	return "?"
}

// lastSetter is Lua 5.1's symbexec for one register: the last instruction
// before lastpc that set reg, following forward jumps that do not skip
// lastpc; -1 when none did.
func lastSetter(p *FunctionProto, lastpc, reg int) int {
	last := -1
	for pc := 0; pc < lastpc; pc++ {
		inst := p.Code[pc]
		a := opGetArgA(inst)
		switch op := opGetOpCode(inst); op {
		case OP_MOVE, OP_MOVEN, OP_LOADK, OP_LOADBOOL, OP_GETUPVAL, OP_GETGLOBAL,
			OP_GETTABLE, OP_GETTABLEKS, OP_NEWTABLE, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
			OP_MOD, OP_POW, OP_UNM, OP_NOT, OP_LEN, OP_CONCAT, OP_TESTSET:
			if a == reg {
				last = pc
			}
		case OP_LOADNIL:
			if a <= reg && reg <= opGetArgB(inst) {
				last = pc
			}
		case OP_SELF:
			if reg == a || reg == a+1 {
				last = pc
			}
		case OP_CALL, OP_TAILCALL, OP_VARARG:
			if reg >= a {
				last = pc
			}
		case OP_TFORLOOP:
			if reg >= a+2 {
				last = pc
			}
		case OP_CLOSURE:
			if a == reg {
				last = pc
			}
			// the upvalue pseudo-instructions that follow set nothing
			if bx := opGetArgBx(inst); bx < len(p.FunctionPrototypes) {
				pc += int(p.FunctionPrototypes[bx].NumUpvalues)
			}
		case OP_FORLOOP, OP_FORPREP, OP_JMP:
			if (op == OP_FORLOOP || op == OP_FORPREP) && reg >= a && reg <= a+3 {
				last = pc
			}
			if dest := pc + 1 + opGetArgSbx(inst); pc < dest && dest <= lastpc {
				pc = dest - 1
			}
		}
	}
	return last
}
