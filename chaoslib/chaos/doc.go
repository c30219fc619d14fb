// Package chaos measures the chaos of chaoslib's networks: Lyapunov
// exponents of the model's own Euler map (Benettin's method and its QR
// extension), the finite-time exponent over [0, T] that matters for
// generation, and a census of the attractors that free runs reach for
// t ≫ T.
//
// # The map and its Jacobian
//
// The model is integrated by Euler steps (chaoslib.Flow)
//
//	x(n+1) = F(x(n)) = x + k(−x + C φ(x) + b),   k = dt/τ, φ = tanh,
//
// with x every unit of every layer (dimension D) and C the full D×D
// coupling matrix, J + W across layers (Couplings builds it). Its Jacobian
// is
//
//	DF(x) = (1 − k) I + k C diag(φ'(x)),   φ'(x) = 1 − tanh²(x).
//
// # Lyapunov exponents (Benettin et al. 1980; Shimada & Nagashima 1979)
//
// A tangent vector δ(n+1) = DF(x(n)) δ(n) grows like e^{λ_max t} for almost
// every δ(0). Benettin's method renormalises δ every r steps and sums the
// logarithms of the norms it removes:
//
//	λ_max = (1 / (m r dt)) Σ_{i=1..m} ln ‖δ(i r)‖,   ‖δ((i−1) r)‖ = 1,
//
// counting only the blocks after a transient. With k vectors the
// renormalisation is a QR factorisation (Gram–Schmidt) Q R of the k
// propagated vectors; the vectors are replaced by Q and
//
//	λ_j = (1 / (m r dt)) Σ_i ln R_jj(i),   λ_1 ≥ λ_2 ≥ … ≥ λ_k.
//
// These are exponents of the discrete map per unit time; for small dt they
// approach those of the flow τ dx/dt = −x + C φ(x) + b. A linear map
// x ← M x has λ_j = ln|μ_j| / dt for the eigenvalues μ_j of M, sorted by
// modulus.
//
// # Finite-time exponent
//
// Generation runs from x(0) ~ N(0, σ²) to t = T only. The finite-time
// exponent averages the growth of a random unit tangent vector over that
// window, over chains c:
//
//	λ_T = (1/T) ⟨ln ‖δ_c(T)‖⟩_c,   ‖δ_c(0)‖ = 1,
//
// with no transient: it includes the alignment of δ with the unstable
// directions and the contraction of the first steps.
package chaos
