package chatmodels

import "slices"

// AsOf is the day the Shutdowns table was last checked against OpenAI's
// deprecations page: the docs call the dates up to it past.
const AsOf = "2026-11-29"

// Shutdown is one chat model OpenAI has shut down or scheduled to shut down.
type Shutdown struct {
	Model string
	// Date is the shutdown day, YYYY-MM-DD, as GET /v1/models gives it in
	// shutdown_date.
	Date string
}

// Shutdowns is the table of chat models that are shut down or scheduled
// to be, by date then name, from OpenAI's deprecations page (November
// 2026). The fake's GET /v1/models and the reference docs both read it;
// the API's own shutdown_date is the authority for any other model.
var Shutdowns = []Shutdown{
	{"gpt-3.5-turbo", "2026-10-23"},
	{"gpt-4", "2026-10-23"},
	{"gpt-4-turbo", "2026-10-23"},
	{"o1", "2026-10-23"},
	{"o3-mini", "2026-10-23"},
	{"o4-mini", "2026-10-23"},
	{"gpt-5", "2026-12-11"},
	{"gpt-5-mini", "2026-12-11"},
	{"gpt-5-nano", "2026-12-11"},
	{"o3", "2026-12-11"},
	{"gpt-4.1", "2027-01-14"},
	{"gpt-4.1-mini", "2027-01-14"},
	{"gpt-4o", "2027-01-14"},
	{"gpt-4o-mini", "2027-01-14"},
}

// ShutdownDate returns the day model shuts down (or shut down), if the
// table has it.
func ShutdownDate(model string) (string, bool) {
	i := slices.IndexFunc(Shutdowns, func(s Shutdown) bool { return s.Model == model })
	if i < 0 {
		return "", false
	}
	return Shutdowns[i].Date, true
}
