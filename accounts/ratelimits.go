package accounts

import (
	"github.com/kosmo-run/kosmo/integration"
)

// maxRateLimit bounds rpm and tpm: far above any provider's budget, low
// enough that a typo of many digits is caught.
const maxRateLimit = 1_000_000_000

// rateLimits reads an account's rate_limits: a map with rpm and tpm, each
// a whole number from 1 to maxRateLimit (either may be left out, to be
// learned from the provider's headers).
func (d *fileDecoder) rateLimits(path string, v *value) (integration.RateLimits, error) {
	var rl integration.RateLimits
	entries, err := d.mapOf(path, v, "a map with the keys rpm and tpm (requests and tokens per minute)", keysRule)
	if err != nil {
		return rl, err
	}
	for _, e := range entries {
		var field *int
		switch e.key {
		case "rpm":
			field = &rl.RPM
		case "tpm":
			field = &rl.TPM
		default:
			return rl, d.unknownKey(path, e, []string{"rpm", "tpm"})
		}
		n, ok := wholeNumber(e.val.scalar)
		if !ok || e.val.isMap || e.val.isList || n < 1 || n > maxRateLimit {
			return rl, d.errorf(joinKey(path, e.key), e.line, "a whole number from 1 to %d expected (per minute), got %s",
				maxRateLimit, describeValue(e.val, false))
		}
		*field = n
	}
	return rl, nil
}
