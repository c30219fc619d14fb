#!/usr/bin/env python3
"""A plain PyTorch version of one CHL training step of the 2-layer model.

It is the straightforward reference that `chaosgen bench` is compared with:
the same sizes and the same work per step (W + J per direction, the exact
clamped phase, a free run of T/dt Euler steps from N(0, sigma^2) starts, the
Hebbian update of W and both fields, and the RMS norm of each parameter), in
float32 on the CPU, written the way a user would write it. It is not a model
of chaosgen's code: it only has to do the same arithmetic.

Usage: python3 scripts/bench/reference_step.py [--chains P] [--batch B]
       [--hidden M] [--T 4] [--dt 0.2] [--threads 1] [--repeat K] [--json]
Needs PyTorch (Debian: apt-get install python3-torch).
"""
import argparse
import json
import math
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--N", type=int, default=784)
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--chains", type=int, default=200)
    ap.add_argument("--T", type=float, default=4.0)
    ap.add_argument("--dt", type=float, default=0.2)
    ap.add_argument("--tau", type=float, default=1.0)
    ap.add_argument("--g", type=float, default=1.5)
    ap.add_argument("--sigma", type=float, default=1.0)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    N, M, B, P = a.N, a.hidden, a.batch, a.chains
    steps = round(a.T / a.dt)
    f32 = torch.float32
    # fixed random couplings, N(0, g^2/fan-in) per direction; trained W, fields
    J_up = torch.randn(N, M, dtype=f32) * (a.g / math.sqrt(N))    # v -> h
    J_down = torch.randn(N, M, dtype=f32) * (a.g / math.sqrt(M))  # h -> v
    W = torch.zeros(N, M, dtype=f32)
    b_v = torch.zeros(N, dtype=f32)
    b_h = torch.zeros(M, dtype=f32)
    data = torch.clamp(torch.randn(256, N, dtype=f32) * 0.5, -1, 1)
    k = a.dt / a.tau
    k_T = 1 - math.exp(-a.T / a.tau)

    def step():
        nonlocal W, b_v, b_h
        K_up, K_down = W + J_up, W + J_down
        # clamped phase: v held at the data, h relaxes exactly to time T
        s = data[torch.randint(0, data.shape[0], (B,))]
        x_h = torch.randn(B, M, dtype=f32) * a.sigma
        x_h += k_T * (s @ K_up + b_h - x_h)
        h_cl = torch.tanh(x_h)
        # free phase: every unit from N(0, sigma^2), T/dt Euler steps
        x_v = torch.randn(P, N, dtype=f32) * a.sigma
        x_h = torch.randn(P, M, dtype=f32) * a.sigma
        v, h = torch.tanh(x_v), torch.tanh(x_h)
        for _ in range(steps):
            f_h = v @ K_up
            f_v = h @ K_down.T
            x_h += k * (f_h + b_h - x_h)
            x_v += k * (f_v + b_v - x_v)
            v, h = torch.tanh(x_v), torch.tanh(x_h)
        # contrastive Hebbian update
        W = W + a.lr * (s.T @ h_cl / B - v.T @ h / P)
        b_v = b_v + a.lr * (s.mean(0) - v.mean(0))
        b_h = b_h + a.lr * (h_cl.mean(0) - h.mean(0))
        return [float(p.pow(2).mean().sqrt()) for p in (W, b_v, b_h)]

    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(a.repeat):
        step()
    ms = (time.perf_counter() - t0) / a.repeat * 1e3
    out = {"impl": "pytorch " + torch.__version__, "threads": a.threads, "chains": P, "batch": B,
           "euler_steps": steps, "ms_per_step": ms}
    print(json.dumps(out) if a.json else f"pytorch {torch.__version__}, {a.threads} thread(s), P={P} B={B}: {ms:.2f} ms/step")


if __name__ == "__main__":
    main()
