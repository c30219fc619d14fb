// Package datatest gives tests the real data sets: a test that needs one is
// skipped when its files are missing, and fails instead under
// CHAOSGEN_REQUIRE_DATA=1, as in CI after `chaosgen data fetch`.
package datatest

import (
	"os"
	"testing"
)

// Missing is called by a test that could not load a data set (err): it
// fails under CHAOSGEN_REQUIRE_DATA=1 and is skipped otherwise.
func Missing(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CHAOSGEN_REQUIRE_DATA") == "1" {
		tb.Fatalf("%v (CHAOSGEN_REQUIRE_DATA=1: run `chaosgen data fetch`)", err)
	}
	tb.Skipf("%v; run `chaosgen data fetch` (or set CHAOSGEN_DATA)", err)
}
