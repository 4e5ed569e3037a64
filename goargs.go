package kosmo

import "reflect"

// jsonShaped returns v with the Go values a caller naturally writes turned
// into the shapes encoding/json decodes to, which the validation expects:
// every integer and float type becomes float64, a slice becomes []any and
// a map with string keys map[string]any, at any depth. []byte (binary
// parameters) and values of other kinds are left as they are (validation
// names their type).
func jsonShaped(v any) any {
	switch x := v.(type) {
	case nil, string, bool, float64, []byte:
		return v
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonShaped(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonShaped(e)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = jsonShaped(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return v
		}
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = jsonShaped(it.Value().Interface())
		}
		return out
	}
	return v
}
