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
	writeToday(&b, in)
	for _, fn := range in.Functions {
		writeSpecParams(&b, fn)
	}
	for _, fn := range in.Functions {
		if fn.Guide != "" {
			b.WriteString("\n" + strings.TrimRight(fn.Guide, "\n") + "\n")
		}
	}
	if in.Appendix != "" {
		b.WriteString("\n" + strings.TrimRight(in.Appendix, "\n") + "\n")
	}
	return b.String()
}

// writeSpecParams appends the parameters a function accepts from its
// provider's spec beyond the documented ones, as the spec describes them.
func writeSpecParams(b *strings.Builder, fn *integration.Function) {
	if fn.Spec == nil {
		return
	}
	b.WriteString("\n### " + fn.Name + ": the other parameters of today's API\n\n")
	b.WriteString("Besides the parameters documented above, `" + fn.Name + "` accepts every other parameter of the " +
		"official request schema, checked by that schema (types, enums, bounds, nested objects, messages by role) " +
		"before anything is sent.")
	if fn.Spec.Has("max_completion_tokens") {
		b.WriteString(" For reasoning models (see the account setting `reasoning_models`) `max_tokens` is sent as `max_completion_tokens`.")
	}
	b.WriteString("\n\n")
	b.WriteString("| Name | Type | Description |\n|------|------|-------------|\n")
	for _, name := range fn.Spec.Names() {
		if fn.Param(name) != nil {
			continue
		}
		desc := fn.Spec.Description(name)
		if fn.Spec.Deprecated(name) {
			desc = "Deprecated. " + desc
		}
		b.WriteString("| `" + name + "` | " + fn.Spec.TypeName(name) + " | " + escapeCell(desc) + " |\n")
	}
}

// writeToday appends what the provider's API is today: the integration's
// note, its account settings, and the endpoint each function uses now.
func writeToday(b *strings.Builder, in *integration.Integration) {
	if in.Today == "" && len(in.Settings) == 0 {
		return
	}
	b.WriteString("\n---\n\n## " + in.Title + "'s API today\n\n")
	if in.Today != "" {
		b.WriteString(strings.TrimRight(in.Today, "\n") + "\n\n")
	}
	b.WriteString("| Function | Today |\n|----------|-------|\n")
	for _, fn := range in.Functions {
		if fn.Today != "" {
			b.WriteString("| `" + fn.Name + "` | " + escapeCell(fn.Today) + " |\n")
		}
	}
	if len(in.Settings) > 0 {
		b.WriteString("\n### Account settings\n\n")
		b.WriteString("Set under an account in the config file (`integrations." + in.Name + ".accounts.<name>`).\n\n")
		b.WriteString("| Setting | Values | Default | Description |\n|---------|--------|---------|-------------|\n")
		for _, s := range in.Settings {
			b.WriteString("| `" + s.Name + "` | `" + strings.Join(s.Values, "`, `") + "` | `" + s.Default + "` | " + escapeCell(s.Description) + " |\n")
		}
	}
}

// RenderFunction returns one function's section of the reference, then
// what carries it today.
func RenderFunction(fn *integration.Function) string {
	var b strings.Builder
	writeFunction(&b, fn)
	if fn.Today != "" {
		b.WriteString("\n**Today:** " + fn.Today + "\n")
	}
	if fn.Guide != "" {
		b.WriteString("\n" + strings.TrimRight(fn.Guide, "\n") + "\n")
	}
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
