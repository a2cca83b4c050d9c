#!/usr/bin/env python3
"""Builds the hostile fixtures under $W/fx and $W/bad (W = work dir)."""
import gzip, json, os, struct, sys, zlib
import numpy as np

W = sys.argv[1]
FX = os.path.join(W, "fx"); BAD = os.path.join(W, "bad")
os.makedirs(FX, exist_ok=True); os.makedirs(BAD, exist_ok=True)
rng = np.random.default_rng(0)

def put(name, data):
    p = os.path.join(FX, name); os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(data)

def npy(name, arr, fortran=False):
    p = os.path.join(FX, name)
    np.save(p, np.asfortranarray(arr) if fortran else arr, allow_pickle=True)
    if not name.endswith(".npy"): os.rename(p + ".npy", p)

def npy_raw(name, header_dict_str, payload=b"", version=(1, 0), magic=b"\x93NUMPY"):
    h = header_dict_str.encode("latin1")
    pad = 64 - ((10 + len(h) + 1) % 64)
    h = h + b" " * pad + b"\n"
    put(name, magic + bytes(version) + struct.pack("<H", len(h)) + h + payload)

# ---- point clouds
a = rng.normal(size=(200, 2)).astype(np.float32)
b = (rng.normal(size=(200, 2)) * 0.5 + 3).astype(np.float32)
npy("a.npy", a); npy("b.npy", b)
np.savetxt(os.path.join(FX, "a.csv"), a, delimiter=",", fmt="%.6f")
np.savetxt(os.path.join(FX, "b.csv"), b, delimiter=",", fmt="%.6f")
npy("a3.npy", rng.normal(size=(200, 3)).astype(np.float32))
npy("oned.npy", rng.normal(size=200).astype(np.float32))
npy("oned-nan.npy", np.array([1, 2, np.nan, 4] * 50, dtype=np.float32))
npy("empty1d.npy", np.zeros(0, dtype=np.float32))
npy("zero-rows.npy", np.zeros((0, 2), dtype=np.float32))
npy("zero-cols.npy", np.zeros((200, 0), dtype=np.float32))
x = a.copy(); x[17, 1] = np.nan; npy("nan.npy", x)
x = a.copy(); x[3, 0] = np.inf; npy("inf.npy", x)
npy("fortran.npy", a, fortran=True)
npy("f64.npy", a.astype(np.float64))
npy("i32.npy", (a * 10).astype(np.int32))
npy("u8.npy", (a * 10 + 50).astype(np.uint8))
npy("f16.npy", a.astype(np.float16))
npy("bigend.npy", a.astype(">f4"))
npy("complex.npy", a.astype(np.complex64))
npy("str.npy", np.array([["a", "b"]] * 10))
npy("bool.npy", a > 0)
npy("3d.npy", rng.normal(size=(10, 2, 2)).astype(np.float32))
npy("scalar.npy", np.float32(3.0))
npy_raw("object.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }", b"\0" * 32)
full = open(os.path.join(FX, "a.npy"), "rb").read()
put("trunc.npy", full[:len(full) // 2])
put("trunc-header.npy", full[:20])
put("magic-only.npy", b"\x93NUMPY")
npy_raw("huge-shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 2), }", b"\0" * 64)
npy_raw("huge-shape2.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", b"\0" * 64)
npy_raw("neg-shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-5, 2), }", b"\0" * 64)
npy_raw("lying-shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 2), }", b"\0" * 64)
npy_raw("trailing.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", b"\0" * 64)
npy_raw("badhdr.npy", "{'descr': '<f4', 'fortran_order': Fals", b"\0" * 16)
npy_raw("v3.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", b"\0" * 16, version=(3, 0))
npy_raw("v9.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", b"\0" * 16, version=(9, 0))
put("hdrlen-huge.npy", b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 10)
put("random.npy", bytes(rng.integers(0, 256, 4096, dtype=np.uint8)))
put("empty.npy", b"")
npy("const.npy", np.ones((200, 2), dtype=np.float32) * 3)
npy("one.npy", np.array([[1.0, 2.0]], dtype=np.float32))
npy("two.npy", np.array([[1.0, 2.0], [3.0, 1.0]], dtype=np.float32))
npy("dplus1.npy", np.array([[0, 0], [1, 0], [0, 1]], dtype=np.float32))
npy("dup.npy", np.repeat(np.array([[0, 0], [1, 1]], dtype=np.float32), 100, axis=0))
npy("line.npy", np.stack([np.linspace(0, 1, 200), np.linspace(0, 2, 200)], 1).astype(np.float32))
npy("huge-vals.npy", (a * 1e30).astype(np.float32))
npy("tiny-vals.npy", (a * 1e-30).astype(np.float32))
npy("maxfloat.npy", np.full((200, 2), 3.0e38, dtype=np.float32))
npy("wide.npy", rng.normal(size=(20, 5000)).astype(np.float32))
# csv
put("ragged.csv", b"1,2\n3\n4,5\n")
put("text.csv", b"x,y\nhello,world\n")
put("header.csv", b"x,y\n" + open(os.path.join(FX, "a.csv"), "rb").read())
put("empty.csv", b"")
put("blank-lines.csv", b"\n\n1,2\n\n3,4\n\n5,6\n7,8\n")
put("nan.csv", b"1,2\n3,nan\n5,6\n")
put("overflow.csv", b"1,2\n3,1e999\n5,6\n")
put("semicolon.csv", b"1;2\n3;4\n5;6\n")
put("bom.csv", b"\xef\xbb\xbf" + open(os.path.join(FX, "a.csv"), "rb").read())
put("longline.csv", (",".join(["1"] * 200000) + "\n").encode())
put("binary.csv", bytes(rng.integers(0, 256, 4096, dtype=np.uint8)))
put("crlf.csv", open(os.path.join(FX, "a.csv"), "rb").read().replace(b"\n", b"\r\n"))
put("spaces.csv", b" 1 , 2 \n 3 , 4 \n5,6\n7,8\n")
put("hex.csv", b"0x1p3,2\n3,4\n5,6\n")
put("inf-word.csv", b"1,2\n3,inf\n5,6\n")

# ---- safetensors
def st(name, header, payload=b"", hlen=None):
    h = json.dumps(header).encode()
    put(name, struct.pack("<Q", len(h) if hlen is None else hlen) + h + payload)
st("st-hlen-huge.safetensors", {"a": 1}, hlen=1 << 62)
st("st-hlen-over.safetensors", {"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8, hlen=500)
st("st-offsets-beyond.safetensors", {"w": {"dtype": "F32", "shape": [1000000], "data_offsets": [0, 4000000]}}, b"\0" * 16)
st("st-shape-lie.safetensors", {"w": {"dtype": "F32", "shape": [100000, 100000], "data_offsets": [0, 16]}}, b"\0" * 16)
st("st-neg.safetensors", {"w": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}, b"\0" * 16)
st("st-dtype.safetensors", {"w": {"dtype": "Q9", "shape": [4], "data_offsets": [0, 16]}}, b"\0" * 16)
st("st-notjson.safetensors", None, b""); put("st-notjson.safetensors", struct.pack("<Q", 10) + b"{not json}")
put("st-empty.safetensors", b"")
put("st-short.safetensors", b"\x05\0\0")
put("st-random.safetensors", bytes(rng.integers(0, 256, 4096, dtype=np.uint8)))
st("st-empty-header.safetensors", {})
st("st-overlap.safetensors", {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                              "v": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, b"\0" * 24)

# ---- PNG
def png(name, w, h, bitdepth=8, color=0, rows=None, truncate=None, interlace=0, crc_ok=True, idat_override=None, palette=None):
    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        crc = zlib.crc32(t + d) & 0xffffffff
        return c + struct.pack(">I", crc if crc_ok else crc ^ 1)
    ihdr = struct.pack(">IIBBBBB", w, h, bitdepth, color, 0, 0, interlace)
    if idat_override is not None: idat = idat_override
    else:
        raw = b"".join(b"\0" + r for r in rows)
        idat = zlib.compress(raw)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
    if palette is not None: data += chunk(b"PLTE", palette)
    data += chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    if truncate: data = data[:truncate]
    put(name, data)

mn = None
with gzip.open(os.path.join(W, "data/mnist/t10k-images-idx3-ubyte.gz")) as f:
    f.read(16); mn = np.frombuffer(f.read(28 * 28 * 2000), dtype=np.uint8).reshape(-1, 28, 28)
with gzip.open(os.path.join(W, "data/mnist/t10k-labels-idx1-ubyte.gz")) as f:
    f.read(8); ml = np.frombuffer(f.read(2000), dtype=np.uint8)
digit = mn[int(np.where(ml == 3)[0][0])]
png("digit.png", 28, 28, rows=[bytes(r) for r in digit])
png("digit16.png", 28, 28, bitdepth=16, rows=[b"".join(struct.pack(">H", int(v) * 257) for v in r) for r in digit])
png("digit-27.png", 27, 28, rows=[bytes(r[:27]) for r in digit])
png("digit-rgba.png", 28, 28, color=6, rows=[b"".join(bytes([v, v, v, 255]) for v in r) for r in digit])
png("digit-interlaced.png", 28, 28, rows=[bytes(r) for r in digit])  # plain; libpng handles interlace flag only with real data
png("digit-1bit.png", 28, 28, bitdepth=1, rows=[np.packbits(r > 127).tobytes() for r in digit])
png("digit-palette.png", 28, 28, bitdepth=8, color=3, rows=[bytes(r // 128) for r in digit], palette=b"\0\0\0\xff\xff\xff")
png("digit-palette-short.png", 28, 28, bitdepth=8, color=3, rows=[bytes(r) for r in digit], palette=b"\0\0\0\xff\xff\xff")
png("huge30k.png", 30000, 30000, idat_override=zlib.compress(b"\0" * 30001 * 4))
png("huge1m.png", 1000000, 1000000, idat_override=zlib.compress(b"\0" * 1000))
png("huge-max.png", 0x7fffffff, 1, idat_override=zlib.compress(b"\0" * 1000))
png("zero.png", 0, 0, idat_override=zlib.compress(b""))
full = open(os.path.join(FX, "digit.png"), "rb").read()
put("trunc.png", full[:60])
put("trunc2.png", full[:len(full) - 20])
png("badcrc.png", 28, 28, rows=[bytes(r) for r in digit], crc_ok=False)
put("notpng.png", b"GIF89a" + b"\0" * 100)
put("empty.png", b"")
png("idat-short.png", 28, 28, idat_override=zlib.compress(b"\0" * 100))
# colour photos
img = rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)
png("photo.png", 50, 40, color=2, rows=[r.tobytes() for r in img])
img2 = (np.arange(40 * 50 * 3).reshape(40, 50, 3) % 256).astype(np.uint8)
png("palette.png", 50, 40, color=2, rows=[r.tobytes() for r in img2])
png("onecolour.png", 50, 40, color=2, rows=[bytes([200, 10, 10] * 50)] * 40)
png("onepixel.png", 1, 1, color=2, rows=[bytes([1, 2, 3])])
png("gray-photo.png", 50, 40, color=0, rows=[bytes(range(50))] * 40)
png("photo16.png", 50, 40, bitdepth=16, color=2, rows=[r.astype(">u2").tobytes() for r in img.astype(np.uint16) * 257])
png("twocolour.png", 50, 40, color=2, rows=[bytes([0, 0, 0] * 25 + [255, 255, 255] * 25)] * 40)

# gzip bomb: 300 MB of zeros in ~300 KB
with open(os.path.join(FX, "bomb.gz"), "wb") as f:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    f.write(c.compress(struct.pack(">IIII", 0x803, 10000, 28, 28)))
    for _ in range(300): f.write(c.compress(chunk))
    f.write(c.flush())

# ---- IDX datasets (each a --data-dir with mnist/)
def idx_images(arr):
    n, h, w = arr.shape
    return struct.pack(">IIII", 0x803, n, h, w) + arr.astype(np.uint8).tobytes()
def idx_labels(lab):
    return struct.pack(">II", 0x801, len(lab)) + np.asarray(lab, dtype=np.uint8).tobytes()
def dataset(name, test_img, test_lab, train_img=None, train_lab=None, gz=True, raw_override=None):
    d = os.path.join(BAD, name, "mnist"); os.makedirs(d, exist_ok=True)
    if train_img is None: train_img, train_lab = test_img, test_lab
    files = {"t10k-images-idx3-ubyte": test_img, "t10k-labels-idx1-ubyte": test_lab,
             "train-images-idx3-ubyte": train_img, "train-labels-idx1-ubyte": train_lab}
    for stem, data in files.items():
        if raw_override and stem in raw_override: data = raw_override[stem]
        if gz:
            with gzip.open(os.path.join(d, stem + ".gz"), "wb") as f: f.write(data)
        else:
            open(os.path.join(d, stem), "wb").write(data)

sub, sl = mn[:600], ml[:600]
dataset("small", idx_images(sub), idx_labels(sl))
dataset("small-raw", idx_images(sub), idx_labels(sl), gz=False)
keep = sl != 3
dataset("missclass", idx_images(sub[keep]), idx_labels(sl[keep]))
dataset("one", idx_images(sub[:1]), idx_labels(sl[:1]))
dataset("zero", idx_images(sub[:0]), idx_labels(sl[:0]))
# 5 per class (fewer than d+1 = 17)
idx5 = np.concatenate([np.where(sl == c)[0][:5] for c in range(10)])
dataset("five", idx_images(sub[idx5]), idx_labels(sl[idx5]))
big = np.zeros((600, 32, 32), np.uint8); big[:, 2:30, 2:30] = sub
dataset("32px", idx_images(big), idx_labels(sl))
dataset("badlabel", idx_images(sub), idx_labels(np.where(np.arange(600) == 5, 12, sl)))
dataset("count-mismatch", idx_images(sub), idx_labels(sl[:500]))
dataset("huge-header", struct.pack(">IIII", 0x803, 2000000000, 28, 28) + bytes(sub[:10].tobytes()), idx_labels(sl))
dataset("huge-dims", struct.pack(">IIII", 0x803, 10, 65536, 65536) + b"\0" * 100, idx_labels(sl[:10]))
dataset("wrongmagic", struct.pack(">IIII", 0x804, 600, 28, 28) + sub.tobytes(), idx_labels(sl))
dataset("float-idx", struct.pack(">IIII", 0x0D03, 600, 28, 28) + b"\0" * (600 * 784 * 4), idx_labels(sl))
dataset("trunc-raw", idx_images(sub)[:5000], idx_labels(sl), gz=False)
dataset("constant", idx_images(np.full((600, 28, 28), 128, np.uint8)), idx_labels(sl))
os.makedirs(os.path.join(BAD, "bomb", "mnist"), exist_ok=True)
for stem in ["t10k-images-idx3-ubyte", "train-images-idx3-ubyte"]:
    os.link(os.path.join(FX, "bomb.gz"), os.path.join(BAD, "bomb", "mnist", stem + ".gz"))
for stem, lab in [("t10k-labels-idx1-ubyte", sl), ("train-labels-idx1-ubyte", sl)]:
    with gzip.open(os.path.join(BAD, "bomb", "mnist", stem + ".gz"), "wb") as f: f.write(idx_labels(np.resize(sl, 10000)))
# truncated gz
dataset("trunc-gz", idx_images(sub), idx_labels(sl))
p = os.path.join(BAD, "trunc-gz", "mnist", "t10k-images-idx3-ubyte.gz"); d = open(p, "rb").read(); open(p, "wb").write(d[: len(d) // 2])
p = os.path.join(BAD, "trunc-gz", "mnist", "train-images-idx3-ubyte.gz"); open(p, "wb").write(d[: len(d) // 2])
# corrupt gz (flipped bytes)
dataset("corrupt-gz", idx_images(sub), idx_labels(sl))
for s in ["t10k", "train"]:
    p = os.path.join(BAD, "corrupt-gz", "mnist", s + "-images-idx3-ubyte.gz"); d = bytearray(open(p, "rb").read())
    for i in range(100, 200): d[i] ^= 0x5a
    open(p, "wb").write(bytes(d))
# idx files for invert --idx
put("idx/imgs-idx3-ubyte", idx_images(sub[:20]))
put("idx/labs-idx1-ubyte", idx_labels(sl[:20]))
put("idx/labs-short-idx1-ubyte", idx_labels(sl[:5]))
put("idx/labs-bad-idx1-ubyte", idx_labels(np.full(20, 200)))
put("idx/imgs32-idx3-ubyte", idx_images(big[:20]))
put("idx/huge-idx3-ubyte", struct.pack(">IIII", 0x803, 2000000000, 28, 28) + sub[:2].tobytes())
put("idx/zero-idx3-ubyte", idx_images(sub[:0]))
put("idx/labels-as-images-idx1-ubyte", idx_labels(sl[:20]))
os.makedirs(os.path.join(FX, "pngdir"), exist_ok=True)
os.makedirs(os.path.join(FX, "pngdir-empty"), exist_ok=True)
os.makedirs(os.path.join(FX, "pngdir-mixed"), exist_ok=True)
for i in range(3):
    png(f"pngdir/d{i}.png", 28, 28, rows=[bytes(r) for r in mn[i]])
    png(f"pngdir-mixed/d{i}.png", 28, 28, rows=[bytes(r) for r in mn[i]])
put("pngdir-mixed/zz.png", b"not a png")
os.makedirs(os.path.join(FX, "dir.npy"), exist_ok=True)
os.makedirs(os.path.join(FX, "outdir"), exist_ok=True)
print("fixtures ok")
