package openblas

import (
	"os"
	"testing"
)

// TestCheckSgemm: the start-up check passes on the kernels in use.
func TestCheckSgemm(t *testing.T) {
	if err := checkSgemm(); err != nil {
		t.Fatal(err)
	}
}

// TestCurrentReportsEnvironment: tests never switch kernels; Current names
// the family OpenBLAS chose and where the choice came from.
func TestCurrentReportsEnvironment(t *testing.T) {
	k := Current()
	if k.Core != CoreName() || k.Core == "" {
		t.Fatalf("Current() = %+v, OpenBLAS reports %q", k, CoreName())
	}
	want := "openblas"
	if os.Getenv("OPENBLAS_CORETYPE") != "" {
		want = "environment"
	}
	if k.Source != want {
		t.Fatalf("Current().Source = %q, want %q", k.Source, want)
	}
	t.Logf("OpenBLAS kernels: %v", k)
}

// TestSwitchCoreRoundTrip switches to another family and back, checking
// SGEMM each time, and restores the original choice.
func TestSwitchCoreRoundTrip(t *testing.T) {
	own := CoreName()
	envBefore, setBefore := cGetenv("OPENBLAS_CORETYPE")
	want, _ := best()
	if want == "" {
		t.Skip("CPU without AVX2: no faster family to switch to")
	}
	defer switchCore(own)
	for _, name := range []string{want, "Prescott", own} {
		if !switchCore(name) {
			t.Skip("this OpenBLAS cannot switch kernels (no DYNAMIC_ARCH)")
		}
		if got := CoreName(); got != name {
			t.Fatalf("switched to %q, OpenBLAS reports %q", name, got)
		}
		if err := checkSgemm(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if env, set := cGetenv("OPENBLAS_CORETYPE"); env != envBefore || set != setBefore {
		t.Fatalf("switching changed OPENBLAS_CORETYPE from %q (set %v) to %q (set %v)", envBefore, setBefore, env, set)
	}
}
