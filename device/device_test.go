package device

import (
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	be, err := Open("cpu")
	if err != nil || be.Name() != "cpu" {
		t.Fatalf("Open(cpu) = %v, %v", be, err)
	}
	be.Close()
	if _, err := Open("tpu"); err == nil || !strings.Contains(err.Error(), "tpu") {
		t.Fatalf("Open(tpu) err = %v", err)
	}
	if !cudaBuilt {
		if _, err := Open("cuda"); err == nil || !strings.Contains(err.Error(), "-tags cuda") {
			t.Fatalf("Open(cuda) without cuda err = %v", err)
		}
	}
}
