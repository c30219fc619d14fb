// Runs the kernels of ../kernels.cu under emu.h on the inputs that
// gpu/emu_test.go wrote into the directory argv[1], with the launch
// geometry of package gpu (for a GPU of argv[2] multiprocessors), and
// compares them bit for bit with the CPU backend's outputs written there.
#include "emu.h"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include "../kernels.cu"

static std::string dir;
static long long sms;

static std::vector<float> rd(const std::string &n)
{
	std::string p = dir + "/" + n + ".bin";
	FILE *f = fopen(p.c_str(), "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", p.c_str());
		exit(2);
	}
	std::vector<float> v;
	float x;
	while (fread(&x, 4, 1, f) == 1) {
		v.push_back(x);
	}
	fclose(f);
	return v;
}

// grid1 is Backend.grid1.
static int grid1(long long n) { return (int)std::min((n + 255) / 256, 32 * sms); }

static int cmp(const std::string &what, const std::vector<float> &g, const std::vector<float> &w, int ulps)
{
	int bad = 0, diff = 0;
	for (size_t i = 0; i < w.size(); i++) {
		uint32_t a, b;
		memcpy(&a, &g[i], 4);
		memcpy(&b, &w[i], 4);
		if (a == b) {
			continue;
		}
		diff++;
		if (labs((long)a - (long)b) > ulps) {
			if (bad < 3) {
				printf("  %s[%zu] = %.9g, want %.9g\n", what.c_str(), i, g[i], w[i]);
			}
			bad++;
		}
	}
	printf("%-14s n=%-6zu %d not bit-identical, %d beyond %d ulp\n", what.c_str(), w.size(), diff, bad, ulps);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: harness DIR SMS\n");
		return 2;
	}
	dir = argv[1];
	sms = atoll(argv[2]);
	long long R, C, S, cr[2], cc[2];
	float calpha[2];
	FILE *f = fopen((dir + "/sizes.txt").c_str(), "r");
	if (f == NULL || fscanf(f, "%lld %lld %lld %lld %lld %f %lld %lld %f", &R, &C, &S, &cr[0], &cc[0], &calpha[0], &cr[1], &cc[1], &calpha[1]) != 9) {
		fprintf(stderr, "bad sizes.txt\n");
		return 2;
	}
	fclose(f);
	const long long n = R * C;
	int bad = 0;

	auto x = rd("tanh_in");
	std::vector<float> d(n, NAN);
	launch(grid1(n), 1, 256, 1, [&] { cg_tanh(d.data(), x.data(), n); });
	bad += cmp("tanh", d, rd("tanh_out"), 0);

	auto x0 = rd("eu_x"), fl = rd("eu_f"), bias = rd("eu_b");
	auto x1 = x0;
	launch(grid1(n), 1, 256, 1, [&] { cg_euler(x1.data(), fl.data(), nullptr, C, n, (double)0.2f); });
	bad += cmp("euler", x1, rd("eu_out_nob"), 0);
	auto x2 = x0;
	launch(grid1(n), 1, 256, 1, [&] { cg_euler(x2.data(), fl.data(), bias.data(), C, n, (double)0.98f); });
	bad += cmp("euler+bias", x2, rd("eu_out_b"), 0);

	auto a = rd("a"), b = rd("b");
	std::fill(d.begin(), d.end(), NAN);
	launch(grid1(n), 1, 256, 1, [&] { cg_add(d.data(), a.data(), b.data(), n); });
	bad += cmp("add", d, rd("add_out"), 0);
	launch(grid1(n), 1, 256, 1, [&] { cg_axpy(b.data(), a.data(), (double)-0.37f, n); });
	bad += cmp("axpy", b, rd("axpy_out"), 0);
	launch(grid1(n), 1, 256, 1, [&] { cg_scale(b.data(), (double)1.7f, n); });
	bad += cmp("scale", b, rd("scale_out"), 0);

	// SumSquares: partial sums on the device, added in order on the host.
	int blocks = (int)std::min<long long>((n + 255) / 256, 1024);
	std::vector<double> part(blocks, NAN);
	launch(blocks, 1, 256, 1, [&] { cg_sumsq_partial(part.data(), a.data(), n); });
	double s = 0;
	for (double v : part) {
		s += v;
	}
	double want = 0;
	{
		FILE *g = fopen((dir + "/sumsq.txt").c_str(), "r");
		if (g == NULL || fscanf(g, "%lf", &want) != 1) {
			fprintf(stderr, "bad sumsq.txt\n");
			return 2;
		}
		fclose(g);
	}
	bool sok = fabs(s - want) <= 1e-9 * want;
	printf("%-14s %.17g, want %.17g%s\n", "sumsq", s, want, sok ? "" : "  BAD");
	bad += !sok;

	auto m = rd("sym_in");
	int bl = (int)((S + 15) / 16);
	launch(bl, bl, 16, 16, [&] { cg_symmetrize(m.data(), S); });
	bad += cmp("symmetrize", m, rd("sym_out"), 0);

	for (int k = 0; k < 2; k++) {
		std::string tag = "cm" + std::to_string(k + 1);
		auto src = rd(tag + "_src");
		auto dst = rd(tag + "_d0");
		long long rows = cr[k], cols = cc[k];
		long long chunk = std::max(64LL, (rows + 1023) / 1024), chunks = (rows + chunk - 1) / chunk;
		std::vector<double> p(chunks * cols, NAN);
		launch((unsigned)((cols + 31) / 32), (unsigned)chunks, 32, 8,
			[&] { cg_colsum_partial(p.data(), src.data(), rows, cols, chunk); });
		launch(grid1(cols), 1, 256, 1,
			[&] { cg_colmeans_finish(dst.data(), p.data(), chunks, cols, rows, (double)calpha[k]); });
		bad += cmp("colmeans " + std::to_string(rows) + "x" + std::to_string(cols), dst, rd(tag + "_out"), 1);
	}
	printf(bad ? "FAIL\n" : "ALL OK\n");
	return bad != 0;
}
