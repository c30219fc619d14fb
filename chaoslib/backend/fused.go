package backend

// EulerTanher is implemented by backends that fuse an Euler update with the
// φ = tanh(x) that follows it, in one sweep over memory.
type EulerTanher interface {
	// EulerTanh sets x ← x + k·(−x + field + bias), then phi = tanh(x), with
	// the same results as Euler followed by Tanh.
	EulerTanh(x, phi, field, bias Mat, k float32)
}

// EulerTanh performs be.Euler(x, field, bias, k) followed by be.Tanh(phi, x):
// fused when be implements EulerTanher, as two passes otherwise.
func EulerTanh(be Backend, x, phi, field, bias Mat, k float32) {
	if f, ok := be.(EulerTanher); ok {
		f.EulerTanh(x, phi, field, bias, k)
		return
	}
	be.Euler(x, field, bias, k)
	be.Tanh(phi, x)
}
