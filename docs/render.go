package docs

import (
	"strings"

	"github.com/kosmo-run/kosmo/integration"
)

// Render returns the full reference markdown of an integration.
func Render(in *integration.Integration) string {
	var b strings.Builder
	b.WriteString("# " + in.Title + " — Lua API Reference\n\n")
	for _, fn := range in.Functions {
		writeFunction(&b, fn)
		b.WriteString("\n")
	}
	if len(in.Examples) > 0 {
		b.WriteString("## Examples\n\n")
		for _, ex := range in.Examples {
			b.WriteString("### " + ex.Title + "\n\n```lua\n" + strings.TrimRight(ex.Code, "\n") + "\n```\n\n")
		}
		b.WriteString("---\n\n")
	}
	writeAccounts(&b, in.Name)
	return b.String()
}

// RenderFunction returns one function's section of the reference.
func RenderFunction(fn *integration.Function) string {
	var b strings.Builder
	writeFunction(&b, fn)
	return b.String()
}

func writeFunction(b *strings.Builder, fn *integration.Function) {
	b.WriteString("## " + fn.Name + "\n\n" + fn.Summary + "\n\n### Parameters\n\n")
	if len(fn.Params) == 0 {
		b.WriteString("*No parameters required.*\n")
		return
	}
	b.WriteString("| Name | Type | Required | Description |\n|------|------|----------|-------------|\n")
	for _, p := range fn.Params {
		req := "no"
		if p.Required {
			req = "yes"
		}
		b.WriteString("| `" + p.Name + "` | " + string(p.Type) + " | " + req + " | " + escapeCell(p.Description) + " |\n")
	}
}

// escapeCell keeps a description inside its table cell.
func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func writeAccounts(b *strings.Builder, name string) {
	ns := "app.integrations." + name
	b.WriteString("## Multi-Account Usage\n\n")
	b.WriteString("If you have multiple " + name + " accounts configured, use account-specific namespaces:\n\n")
	b.WriteString("```lua\n")
	b.WriteString("-- Default account (always works)\n" + ns + ".function_name({...})\n\n")
	b.WriteString("-- Explicit default (portable across setups)\n" + ns + ".default.function_name({...})\n\n")
	b.WriteString("-- Named accounts\n" + ns + ".work.function_name({...})\n" + ns + ".personal.function_name({...})\n")
	b.WriteString("```\n\n")
	b.WriteString("All functions are identical across accounts — only the credentials differ.\n")
}
