def run_cases():
    F = ["--threads", "1"]
    fit = lambda s, t, extra=(), out="fx/o.safetensors": ["fit", "--source", s, "--target", t, "--out", out] + TINY + F + list(extra)
    # ---------------- fit: malformed point clouds
    for f in ["oned-nan.npy", "empty1d.npy", "zero-rows.npy", "zero-cols.npy", "nan.npy", "inf.npy", "f16.npy",
              "bigend.npy", "complex.npy", "str.npy", "bool.npy", "3d.npy", "scalar.npy", "object.npy", "trunc.npy", "trunc-header.npy",
              "magic-only.npy", "huge-shape.npy", "huge-shape2.npy", "neg-shape.npy", "lying-shape.npy", "trailing.npy", "badhdr.npy", "v3.npy",
              "v9.npy", "hdrlen-huge.npy", "random.npy", "empty.npy", "ragged.csv", "text.csv", "empty.csv", "nan.csv",
              "overflow.csv", "semicolon.csv", "longline.csv", "binary.csv", "inf-word.csv", "a3.npy", "dir.npy", "missing.npy", "wide.npy"]:
        case(f"fit source {f}", fit(f"fx/{f}", "fx/b.npy"), names=(f,))
    for f in ["oned.npy", "i32.npy", "u8.npy", "header.csv", "hex.csv", "fortran.npy", "f64.npy", "bom.csv", "crlf.csv", "blank-lines.csv", "spaces.csv", "link-a.npy"]:
        case(f"fit source {f} (valid)", fit(f"fx/{f}", "fx/b.npy"), expect="either", names=(f,), outputs=("fx/o.safetensors",))
    case("fit source /dev/null", fit("/dev/null", "fx/b.npy"), names=("/dev/null",))
    case("fit source /dev/zero.npy-like", fit("/dev/zero", "fx/b.npy"), names=("/dev/zero",))
    case("fit source folder", fit("fx/outdir", "fx/b.npy"), names=("outdir",))
    # degenerate clouds
    for f in ["const.npy", "one.npy", "two.npy", "dplus1.npy", "dup.npy", "line.npy", "huge-vals.npy", "tiny-vals.npy", "maxfloat.npy"]:
        case(f"fit degenerate source {f}", fit(f"fx/{f}", "fx/b.npy"), expect="either", names=(f,), outputs=("fx/o.safetensors",))
        case(f"fit degenerate target {f}", fit("fx/a.npy", f"fx/{f}"), expect="either", names=(f,), outputs=("fx/o.safetensors",))
    for g in ["false"]:
        case("fit const target no gaussian base", fit("fx/a.npy", "fx/const.npy", ["--gaussian-base", g]), expect="either", names=("const.npy",), outputs=("fx/o.safetensors",))
    case("fit dims differ", fit("fx/a.npy", "fx/a3.npy"), names=("a3.npy", "a.npy"))
    # fit: outputs
    case("fit out = source", fit("fx/a.npy", "fx/b.npy", out="fx/a.npy"), names=("a.npy",))
    case("fit out = source --force", fit("fx/a.npy", "fx/b.npy", ["--force"], out="fx/a.npy"), names=("a.npy",))
    case("fit out over vae --force", fit("fx/a.npy", "fx/b.npy", ["--force"], out="checkpoints/mnist-vae.safetensors"), names=("mnist-vae",))
    case("fit out over dataset", fit("fx/a.npy", "fx/b.npy", ["--force"], out="data/mnist/t10k-images-idx3-ubyte.gz"), names=("t10k",))
    case("fit out = symlink to source", fit("fx/a.npy", "fx/b.npy", ["--force"], out="fx/link-a.npy"), names=("link-a.npy",))
    case("fit out folder", fit("fx/a.npy", "fx/b.npy", out="fx/outdir"), names=("outdir",))
    case("fit out /dev/null", fit("fx/a.npy", "fx/b.npy", out="/dev/null"), expect="either", names=("/dev/null",))
    case("fit out no folder", fit("fx/a.npy", "fx/b.npy", out="nope/o.safetensors"), names=("nope",))
    case("fit existing map no --force", fit("fx/a.npy", "fx/b.npy", out="fx/map.safetensors"), names=("map.safetensors",))
    # fit: absurd flags (each numeric transport flag)
    absurd = {"--steps": ["0", "-1", "1e9", "nan", "99999999999999999999"], "--lambda": ["-1", "nan", "inf", "1e30"],
              "--symmetric": ["-1", "nan"], "--gradient-consistency": ["-1", "inf"], "--dual": ["-1", "nan", "inf", "1e30"],
              "--dual-refinements": ["-1", "65", "1000000000", "nan"], "--monotone": ["-1", "nan", "inf", "1e30"],
              "--held-out": ["-0.1", "0.51", "1", "nan", "inf", "1e9"], "--batch": ["0", "1", "-5", "100000000"],
              "--target-batch": ["0", "1e9"], "--collocation": ["0", "-1", "100000000"], "--classes-per-step": ["0", "-1", "1000000000"],
              "--lr": ["0", "-1", "nan", "inf", "1e30"], "--characteristic-fraction": ["-0.5", "2", "nan"], "--width": ["0", "-3", "100000000"],
              "--depth": ["0", "1000000"], "--final-time": ["0", "-1", "nan", "1e30"], "--threads": ["0", "-1", "100000", "nan"],
              "--seed": ["-1", "1e3", "99999999999999999999999"], "--cost": ["power:1", "power:nan", "power:-2", "power:1e30", ""],
              "--schedule": ["step:0:0.5", "step:10:nan", "cosine:-1", "cosine:nan", ""], "--kernel": ["gaussian:", "gaussian:-1", "gaussian:nan", "gaussian:" + ",".join(["1"] * 10000)],
              "--activation": ["relu", ""], "--gaussian-base": ["maybe"], "--center-each-side": ["2"], "--scale-each-side": [""]}
    for flag, vals in absurd.items():
        for v in vals:
            ok = (flag == "--classes-per-step" and v == "1000000000") or (flag == "--lr" and v == "1e30") or (flag in ("--lambda", "--dual", "--monotone") and v == "1e30") or (flag == "--cost" and v == "power:1e30") or (flag == "--final-time" and v == "1e30")
            case(f"fit {flag} {v}", fit("fx/a.npy", "fx/b.npy", [flag, v]), expect="either" if ok else "refuse", names=(flag, flag.lstrip("-").replace("-", "_")) + (("diverged",) if ok else ()),
                 outputs=("fx/o.safetensors",))
    case("fit --held-out 0.5 tiny clouds", fit("fx/dplus1.npy", "fx/dplus1.npy", ["--held-out", "0.5"]), expect="either", names=("held", "dplus1"), outputs=("fx/o.safetensors",))
    case("fit --held-out 0.4 two points", fit("fx/two.npy", "fx/b.npy", ["--held-out", "0.4"]), expect="either", names=("held", "two.npy"), outputs=("fx/o.safetensors",))
    case("fit --dual 1e30 --steps 30", fit("fx/a.npy", "fx/b.npy", ["--dual", "1e30", "--steps", "30"]), expect="either", names=("dual", "diverged"), outputs=("fx/o.safetensors",))
    case("fit --monotone 1e30", fit("fx/a.npy", "fx/b.npy", ["--monotone", "1e30", "--steps", "30"]), expect="either", names=("monotone", "diverged"), outputs=("fx/o.safetensors",))
    # ---------------- map
    mp = lambda model, inp, out="fx/o.npy", extra=(): ["map", "--model", model, "--input", inp, "--out", out] + list(extra)
    case("map valid", mp("fx/map.safetensors", "fx/a.npy"), expect="ok", outputs=("fx/o.npy",))
    case("map valid inverse", mp("fx/map.safetensors", "fx/b.npy", extra=["--inverse"]), expect="ok", outputs=("fx/o.npy",))
    case("map valid csv out", mp("fx/map.safetensors", "fx/a.npy", out="fx/o.csv"), expect="ok", outputs=("fx/o.csv",))
    for f in ["oned.npy", "oned-nan.npy", "empty1d.npy", "zero-rows.npy", "nan.npy", "a3.npy", "huge-shape.npy", "dir.npy", "trunc.npy", "nan.csv"]:
        case(f"map input {f}", mp("fx/map.safetensors", f"fx/{f}"), names=(f,))
    for f in ["huge-vals.npy", "maxfloat.npy", "one.npy"]:
        case(f"map input {f}", mp("fx/map.safetensors", f"fx/{f}"), expect="either", names=(f,), outputs=("fx/o.npy",))
        case(f"map --inverse input {f}", mp("fx/map.safetensors", f"fx/{f}", extra=["--inverse"]), expect="either", names=(f,), outputs=("fx/o.npy",))
    for m in ["st-hlen-huge", "st-hlen-over", "st-offsets-beyond", "st-shape-lie", "st-neg", "st-dtype", "st-notjson", "st-empty", "st-short",
              "st-random", "st-empty-header", "st-overlap", "map-nanweight", "map-hugeweight", "map-width1e8", "map-depthneg", "map-dim3",
              "map-tfnan", "map-classes", "map-missing", "map-shape", "map-kind", "map-infbase"]:
        if os.path.exists(f"{W}/fx/{m}.safetensors"):
            case(f"map model {m}", mp(f"fx/{m}.safetensors", "fx/a.npy"), expect="either" if m == "map-hugeweight" else "refuse", names=(m,), outputs=("fx/o.npy",))
    case("map model = vae", mp("checkpoints/mnist-vae.safetensors", "fx/a.npy"), names=("mnist-vae",))
    case("map model = mnist-transport (d=16)", mp("checkpoints/mnist-transport.safetensors", "fx/a.npy"), names=("a.npy", "mnist-transport", "class"))
    case("map model /dev/null", mp("/dev/null", "fx/a.npy"), names=("/dev/null",))
    case("map model folder", mp("fx/outdir", "fx/a.npy"), names=("outdir",))
    case("map out = input", mp("fx/map.safetensors", "fx/a.npy", out="fx/a.npy"), names=("a.npy",))
    case("map out = model", mp("fx/map.safetensors", "fx/a.npy", out="fx/map.safetensors"), names=("map.safetensors",))
    case("map out over checkpoint", mp("fx/map.safetensors", "fx/a.npy", out="checkpoints/mnist-vae.safetensors"), names=("mnist-vae",))
    case("map out over checkpoint .npy name", mp("fx/map.safetensors", "fx/a.npy", out="checkpoints/x.npy"), expect="either", outputs=("checkpoints/x.npy",))
    case("map out over dataset", mp("fx/map.safetensors", "fx/a.npy", out="data/mnist/t10k-labels-idx1-ubyte.gz"), names=("t10k",))
    case("map out bad ext", mp("fx/map.safetensors", "fx/a.npy", out="fx/o.txt"), names=("o.txt",))
    case("map out symlink to input", mp("fx/map.safetensors", "fx/a.npy", out="fx/link-a.npy"), names=("link-a.npy",))
    case("map --class 5 on classless map", mp("fx/map.safetensors", "fx/a.npy", extra=["--class", "5"]), names=("--class", "class"))
    case("map --class -1", mp("fx/map.safetensors", "fx/a.npy", extra=["--class", "-1"]), names=("--class",))
    case("map --class 1e9", mp("fx/map.safetensors", "fx/a.npy", extra=["--class", "1000000000"]), names=("--class",))
    case("map --closed-form without --inverse", mp("fx/map.safetensors", "fx/a.npy", extra=["--closed-form"]), expect="either", names=("--closed-form",), outputs=("fx/o.npy",))
    # ---------------- toy
    toy = lambda extra: ["toy", "--source", "8gaussians", "--target", "moons", "--svg", "fx/t.svg"] + TINY + F + list(extra)
    case("toy valid", toy([]), expect="ok", outputs=("fx/t.svg",))
    case("toy bad source", ["toy", "--source", "blob", "--target", "moons", "--svg", "fx/t.svg"], names=("--source", "blob"))
    case("toy svg over checkpoint", ["toy", "--svg", "checkpoints/mnist-vae.safetensors"] + TINY + F, names=("mnist-vae",))
    case("toy svg over README", ["toy", "--svg", "checkpoints/README.md"] + TINY + F, names=("README",))
    case("toy png = svg", toy(["--png", "fx/t.svg"]), names=("t.svg", "--png"))
    case("toy png over dataset", toy(["--png", "data/mnist/train-images-idx3-ubyte.gz"]), names=("train-images",))
    case("toy svg folder", ["toy", "--svg", "fx/outdir"] + TINY + F, names=("outdir",))
    for flag, v in [("--held-out", "0.3"), ("--monotone", "-2"), ("--dual", "nan"), ("--dual-refinements", "65"), ("--steps", "0"), ("--threads", "0"), ("--width", "1000000000")]:
        case(f"toy {flag} {v}", toy([flag, v]), expect="either" if v == "0.3" else "refuse", names=(flag, flag.lstrip("-").replace("-", "_")), outputs=("fx/t.svg",))
    # ---------------- benchmark
    bm = lambda kind, extra: ["benchmark", kind] + list(extra) + F
    for kind in ["gaussian", "mixture"]:
        for dim in ["0", "-1", "", ",", "2,,3", "nan", "1e9", "100000000", "2;3", "513"]:
            case(f"benchmark {kind} --dim '{dim}'", bm(kind, ["--dim", dim, "--steps", "2"]), names=("--dim",))
        for pts in ["0", "-5", "2", "1e9", "1000000001", "nan"]:
            case(f"benchmark {kind} --points {pts}", bm(kind, ["--dim", "2", "--points", pts, "--steps", "2"]), names=("--points",))
        case(f"benchmark {kind} --points 3 (d+1)", bm(kind, ["--dim", "2", "--points", "3", "--steps", "2", "--batch", "2", "--target-batch", "2"]), expect="either", names=("--points", "held", "batch"))
        case(f"benchmark {kind} --evaluate-every -1", bm(kind, ["--dim", "2", "--evaluate-every", "-1", "--steps", "2"]), names=("--evaluate-every",))
        case(f"benchmark {kind} --held-out 0.6", bm(kind, ["--dim", "2", "--held-out", "0.6", "--steps", "2"]), names=("--held-out", "held_out"))
        case(f"benchmark {kind} --dual-refinements -1", bm(kind, ["--dim", "2", "--dual-refinements", "-1", "--steps", "2"]), names=("--dual-refinements", "dual_refinements"))
    case("benchmark mixture --export over dataset folder", bm("mixture", ["--dim", "2", "--export", "data/mnist"]), names=("data/mnist", "--export"))
    case("benchmark mixture --export checkpoints", bm("mixture", ["--dim", "2", "--export", "checkpoints"]), names=("checkpoints", "--export"))
    case("benchmark mixture --export a file", bm("mixture", ["--dim", "2", "--export", "fx/a.npy"]), names=("a.npy", "--export"))
    case("benchmark mixture --export missing", bm("mixture", ["--dim", "2", "--export", "fx/nope"]), names=("nope", "--export"))
    case("benchmark mixture --export valid", bm("mixture", ["--dim", "2", "--points", "100", "--export", "fx/outdir"]), expect="ok", outputs=("fx/outdir",))
    # ---------------- bench
    for sub, flags in [("core", [["--steps", "0"], ["--steps", "-1"], ["--steps", "1000000000000"], ["--threads", "0"], ["--threads", "1e9"]]),
                       ("memory", [["--steps", "5"], ["--steps", "-1"], ["--steps", "1000000000000"], ["--step", "bogus"], ["--step", ""]]),
                       ("vae", [["--steps", "0"], ["--shards", "0"], ["--shards", "100000"], ["--steps", "1000000000000"]]),
                       ("transport", [["--steps", "0"], ["--steps", "-3"], ["--steps", "1000000000000"], ["--threads", "-1"]]),
                       ("sample", [["--images", "0"], ["--images", "9"], ["--images", "1000000000"], ["--runs", "0"], ["--runs", "100000000"], ["--images", "nan"]]),
                       ("allreduce", [["--runs", "0"], ["--runs", "-1"], ["--runs", "1000000000"]])]:
        for fl in flags:
            case(f"bench {sub} {' '.join(fl)}", ["bench", sub] + fl, names=(fl[0],), timeout=30)
    # ---------------- sample
    S = ["sample", "--dataset", "mnist"]
    case("sample valid", S + ["--class", "all", "--png", "fx/s.png"], expect="ok", outputs=("fx/s.png",))
    case("sample --png over map", S + ["--png", "checkpoints/mnist-transport.safetensors"], names=("mnist-transport",))
    case("sample --png over reconstructions png", S + ["--png", "checkpoints/mnist-vae-reconstructions.png"], names=("reconstructions",))
    case("sample --png folder", S + ["--png", "fx/outdir"], names=("outdir",))
    case("sample --idx over dataset", S + ["--png", "fx/s.png", "--idx", "data/mnist/t10k"], names=("t10k", "--idx"))
    case("sample --idx over dataset abs path", S + ["--png", "fx/s.png", "--idx", f"{W}/data/mnist/train"], names=("train", "--idx"))
    case("sample --idx over dataset via ./", S + ["--png", "fx/s.png", "--idx", "./data/../data/mnist/t10k"], names=("t10k", "--idx"))
    case("sample --idx into checkpoints", S + ["--png", "fx/s.png", "--idx", "checkpoints/mnist"], expect="either", names=("checkpoints", "--idx"), outputs=("fx/s.png", "checkpoints/mnist-images-idx3-ubyte", "checkpoints/mnist-labels-idx1-ubyte"))
    for fl, v in [("--count", "0"), ("--count", "-1"), ("--count", "1e9"), ("--count", "10001"), ("--path", "1"), ("--path", "65"), ("--path", "-2"),
                  ("--temperature", "0"), ("--temperature", "-1"), ("--temperature", "nan"), ("--temperature", "inf"), ("--temperature", "1e30"),
                  ("--class", "10"), ("--class", "-1"), ("--class", ""), ("--class", "1e9"), ("--seed", "-1"), ("--seed", "nan")]:
        case(f"sample {fl} {v}", S + ["--png", "fx/s.png", fl, v], names=(fl,))
    case("sample --temperature 0.01", S + ["--png", "fx/s.png", "--temperature", "0.01"], expect="either", names=("--temperature",), outputs=("fx/s.png",))
    case("sample nan map", S + ["--png", "fx/s.png", "--checkpoints", "cknan"], names=("mnist-transport",))
    case("sample nan vae", S + ["--png", "fx/s.png", "--checkpoints", "ckvaenan"], names=("mnist-vae",))
    case("sample mismatched vae", S + ["--png", "fx/s.png", "--checkpoints", "ckmismatch"], names=("mnist-vae", "mnist-transport"))
    case("sample missing checkpoints", S + ["--png", "fx/s.png", "--checkpoints", "fx/outdir"], names=("outdir",))
    case("sample checkpoints = file", S + ["--png", "fx/s.png", "--checkpoints", "fx/a.npy"], names=("a.npy",))
    ST = ["sample", "--source", "fashion", "--target", "mnist", "--png", "fx/s.png"]
    case("sample translate valid", ST, expect="ok", outputs=("fx/s.png",))
    for ds in ["32px", "missclass", "one", "zero", "badlabel", "count-mismatch", "huge-header", "huge-dims", "wrongmagic", "float-idx", "trunc-gz",
               "corrupt-gz", "bomb", "trunc-raw", "constant"]:
        # sample --source reads the source (fashion) test split: put the bad set under fashion/
        d = f"{W}/bad/{ds}"
        if not os.path.exists(f"{d}/fashion"): os.symlink("mnist", f"{d}/fashion")
        case(f"sample translate data {ds}", ST + ["--data-dir", f"bad/{ds}"], expect="either" if ds == "constant" else "refuse", names=(ds, "t10k"), outputs=("fx/s.png",))
    case("sample same source target", ["sample", "--source", "mnist", "--target", "mnist", "--png", "fx/s.png"], names=("--source", "--target"))
    case("sample dataset + source", ["sample", "--dataset", "mnist", "--source", "fashion", "--png", "fx/s.png"], names=("--dataset", "--source"))
    case("sample no outputs", ["sample", "--dataset", "mnist"], expect="either", names=("--png", "--idx"))
    # ---------------- invert
    I = ["invert", "--dataset", "mnist", "--class", "3"]
    case("invert valid", I + ["--image", "fx/digit.png", "--out", "fx/z.npy", "--png", "fx/r.png"], expect="ok", outputs=("fx/z.npy", "fx/r.png"))
    for f in ["digit16.png", "digit-rgba.png", "digit-1bit.png", "digit-palette.png"]:
        case(f"invert image {f}", I + ["--image", f"fx/{f}", "--out", "fx/z.npy"], expect="either", names=(f,), outputs=("fx/z.npy",))
    for f in ["digit-27.png", "huge30k.png", "huge1m.png", "huge-max.png", "zero.png", "trunc.png", "trunc2.png", "badcrc.png", "notpng.png",
              "empty.png", "idat-short.png", "digit-palette-short.png", "pngdir-empty", "pngdir-mixed", "missing.png"]:
        case(f"invert image {f}", I + ["--image", f"fx/{f}", "--out", "fx/z.npy"], names=(f,))
    case("invert image /dev/null", I + ["--image", "/dev/null", "--out", "fx/z.npy"], names=("/dev/null",))
    case("invert folder valid", I + ["--image", "fx/pngdir", "--out", "fx/z.npy"], expect="ok", outputs=("fx/z.npy",))
    case("invert --out = image", I + ["--image", "fx/digit.png", "--out", "fx/digit.png"], names=("digit.png",))
    case("invert --png = image", I + ["--image", "fx/digit.png", "--png", "fx/digit.png"], names=("digit.png",))
    case("invert --out = --png", I + ["--image", "fx/digit.png", "--png", "fx/z.png", "--out", "fx/z.png"], names=("z.png",))
    case("invert --out over map", I + ["--image", "fx/digit.png", "--out", "checkpoints/mnist-transport.safetensors"], names=("mnist-transport",))
    case("invert --out over dataset", I + ["--image", "fx/digit.png", "--out", "data/mnist/t10k-images-idx3-ubyte.gz"], names=("t10k",))
    case("invert --png over dataset idx", ["invert", "--dataset", "mnist", "--class", "3", "--idx", "fx/idx/imgs-idx3-ubyte", "--index", "0", "--png", "fx/idx/imgs-idx3-ubyte"], names=("imgs-idx3",))
    IX = ["invert", "--dataset", "mnist"]
    case("invert idx valid", IX + ["--class", "3", "--idx", "fx/idx/imgs-idx3-ubyte", "--index", "0", "--out", "fx/z.npy"], expect="ok", outputs=("fx/z.npy",))
    case("invert idx batch valid", IX + ["--idx", "fx/idx/imgs-idx3-ubyte", "--labels", "fx/idx/labs-idx1-ubyte", "--out", "fx/z.npy"], expect="ok", outputs=("fx/z.npy",))
    for fl, v in [("--index", "-1"), ("--index", "20"), ("--index", "1000000000"), ("--index", "nan"), ("--class", "10"), ("--class", "-3")]:
        case(f"invert idx {fl} {v}", IX + ["--class", "3", "--idx", "fx/idx/imgs-idx3-ubyte", "--out", "fx/z.npy"] + ([fl, v] if fl == "--index" else ["--index", "0"]) if fl == "--index" else IX + [fl, v, "--idx", "fx/idx/imgs-idx3-ubyte", "--index", "0", "--out", "fx/z.npy"], names=(fl,))
    for f in ["imgs32-idx3-ubyte", "huge-idx3-ubyte", "zero-idx3-ubyte", "labels-as-images-idx1-ubyte"]:
        case(f"invert idx {f}", IX + ["--class", "3", "--idx", f"fx/idx/{f}", "--out", "fx/z.npy"], names=(f,))
    for f in ["labs-short-idx1-ubyte", "labs-bad-idx1-ubyte", "imgs-idx3-ubyte"]:
        case(f"invert idx labels {f}", IX + ["--idx", "fx/idx/imgs-idx3-ubyte", "--labels", f"fx/idx/{f}", "--out", "fx/z.npy"], names=(f,))
    case("invert bomb gz", IX + ["--class", "3", "--idx", "fx/bomb.gz", "--out", "fx/z.npy"], names=("bomb.gz",))
    case("invert nan map", I + ["--image", "fx/digit.png", "--out", "fx/z.npy", "--checkpoints", "cknan"], names=("mnist-transport",))
    case("invert nan vae", I + ["--image", "fx/digit.png", "--out", "fx/z.npy", "--checkpoints", "ckvaenan"], names=("mnist-vae",))
    case("invert mismatched vae", I + ["--image", "fx/digit.png", "--out", "fx/z.npy", "--checkpoints", "ckmismatch"], names=("mnist-vae", "mnist-transport"))
    case("invert no class", ["invert", "--dataset", "mnist", "--image", "fx/digit.png", "--out", "fx/z.npy"], names=("--class",))
    case("invert --out bad ext", I + ["--image", "fx/digit.png", "--out", "fx/z.txt"], names=("z.txt", "--out"))
    # ---------------- evaluate / calibrate (short)
    E = ["evaluate", "--dataset", "mnist", "--per-class", "2"] + F
    for ds in ["32px", "missclass", "one", "zero", "badlabel", "bomb", "huge-header"]:
        case(f"evaluate data {ds}", E + ["--data-dir", f"bad/{ds}", "--out", "fx/rep"], names=(ds, "t10k"))
    case("evaluate --out = checkpoints", E + ["--out", "checkpoints"], names=("checkpoints", "--out"), timeout=300)
    case("evaluate --out = data/mnist", E + ["--out", "data/mnist"], names=("data/mnist", "--out"), timeout=300)
    case("evaluate --export checkpoints", E + ["--out", "fx/rep", "--export", "checkpoints"], names=("checkpoints", "--export"), timeout=300)
    case("evaluate --export = data/mnist", E + ["--out", "fx/rep", "--export", "data/mnist"], names=("data/mnist", "--export"), timeout=300)
    case("evaluate --per-class 1", E[:-4] + ["--per-class", "1", "--out", "fx/rep"] + F, names=("--per-class",))
    case("evaluate --temperature nan", E + ["--temperature", "nan", "--out", "fx/rep"], names=("--temperature",))
    case("evaluate nan map", E + ["--checkpoints", "cknan", "--out", "fx/rep"], names=("mnist-transport",))
    case("evaluate mismatched vae", E + ["--checkpoints", "ckmismatch", "--out", "fx/rep"], names=("mnist-vae", "mnist-transport"))
    C = ["calibrate", "--dataset", "mnist", "--per-class", "2"] + F
    for v in ["", "0", "-1", "nan", "inf", "1e30", "1,,2", "a,b"]:
        case(f"calibrate --temperatures '{v}'", C + ["--temperatures", v, "--dry-run"], names=("--temperatures",))
    case("calibrate nan map", C + ["--checkpoints", "cknan", "--dry-run"], names=("mnist-transport",))
    case("calibrate data missclass", C + ["--data-dir", "bad/missclass", "--dry-run"], names=("missclass",))
    # ---------------- color-transfer
    CT = lambda s, r, out="fx/c.png", extra=(): ["color-transfer", "--source", s, "--reference", r, "--out", out] + TINY + F + list(extra)
    case("color valid", CT("fx/photo.png", "fx/palette.png"), expect="ok", outputs=("fx/c.png",))
    for f in ["onecolour.png", "onepixel.png", "twocolour.png", "gray-photo.png", "photo16.png"]:
        case(f"color reference {f}", CT("fx/photo.png", f"fx/{f}"), expect="either", names=(f,), outputs=("fx/c.png",))
        case(f"color source {f}", CT(f"fx/{f}", "fx/palette.png"), expect="either", names=(f,), outputs=("fx/c.png",))
    for f in ["huge30k.png", "huge1m.png", "zero.png", "trunc.png", "notpng.png", "empty.png", "badcrc.png"]:
        case(f"color source {f}", CT(f"fx/{f}", "fx/palette.png"), names=(f,))
    case("color --out = source", CT("fx/photo.png", "fx/palette.png", out="fx/photo.png"), names=("photo.png",))
    case("color --out over checkpoint png", CT("fx/photo.png", "fx/palette.png", out="checkpoints/mnist-vae-reconstructions.png"), names=("reconstructions",))
    case("color --side-by-side = reference", CT("fx/photo.png", "fx/palette.png", extra=["--side-by-side", "fx/palette.png"]), names=("palette.png",))
    for v in ["0", "-1", "1", "1e9", "100000000"]:
        case(f"color --samples {v}", CT("fx/photo.png", "fx/palette.png", extra=["--samples", v]), names=("--samples",))
    case("color --held-out 0.5", CT("fx/photo.png", "fx/palette.png", extra=["--held-out", "0.5"]), expect="either", names=("--held-out",), outputs=("fx/c.png",))
    # ---------------- strip
    case("strip valid", ["strip", "fx/map.safetensors", "fx/s.safetensors"], expect="ok", outputs=("fx/s.safetensors",))
    case("strip in = out (in place, documented)", ["strip", "fx/map.safetensors", "fx/map.safetensors"], expect="either", names=("map.safetensors",), outputs=("fx/map.safetensors",), allow_changed=("fx/map.safetensors",))
    case("strip in = out --force (in place)", ["strip", "--force", "fx/map.safetensors", "fx/map.safetensors"], expect="either", names=("map.safetensors",), outputs=("fx/map.safetensors",), allow_changed=("fx/map.safetensors",))
    case("strip over dataset", ["strip", "fx/map.safetensors", "data/mnist/t10k-images-idx3-ubyte.gz"], names=("t10k",))
    case("strip over dataset --force", ["strip", "--force", "fx/map.safetensors", "data/mnist/t10k-images-idx3-ubyte.gz"], names=("t10k",))
    case("strip over png --force", ["strip", "--force", "fx/map.safetensors", "checkpoints/mnist-vae-reconstructions.png"], names=("reconstructions",))
    for m in ["st-hlen-huge", "st-offsets-beyond", "st-notjson", "st-empty", "map-nanweight"]:
        case(f"strip {m}", ["strip", f"fx/{m}.safetensors", "fx/s.safetensors"], names=(m,))
    case("strip folder", ["strip", "fx/outdir", "fx/s.safetensors"], names=("outdir",))
    case("strip /dev/null", ["strip", "/dev/null", "fx/s.safetensors"], names=("/dev/null",))
    # ---------------- training commands (validation before work)
    TV = ["train-vae", "--dataset", "mnist", "--epochs", "1"] + F
    case("train-vae default out exists", TV, names=("mnist-vae", "--force"))
    for ds in ["32px", "zero", "one", "badlabel", "count-mismatch", "bomb", "huge-dims", "trunc-gz", "missclass"]:
        case(f"train-vae data {ds}", TV + ["--data-dir", f"bad/{ds}", "--out", "fx/v.safetensors"], expect="either" if ds in ("missclass",) else "refuse", names=(ds, "t10k", "train"), outputs=("fx/v.safetensors",), timeout=120)
    for fl, v in [("--latent-dim", "0"), ("--latent-dim", "-1"), ("--latent-dim", "100000000"), ("--batch", "0"), ("--learning-rate", "nan"),
                  ("--learning-rate", "inf"), ("--kl-weight", "-1"), ("--kl-weight", "nan"), ("--epochs", "0"), ("--epochs", "1000000000")]:
        case(f"train-vae {fl} {v}", TV + [fl, v, "--out", "fx/v.safetensors", "--data-dir", "bad/small"], names=(fl,), timeout=60)
    case("train-vae --out over dataset --force", TV + ["--out", "data/mnist/t10k-images-idx3-ubyte.gz", "--force"], names=("t10k",))
    case("train-vae --resume missing", TV + ["--out", "fx/none.safetensors", "--resume"], names=("none.safetensors",))
    case("train-vae --resume on a map", TV + ["--out", "fx/map.safetensors", "--resume"], names=("map.safetensors",))
    TC = ["train-classifier", "--dataset", "mnist", "--epochs", "1"] + F
    case("train-classifier default out exists", TC, names=("mnist-classifier", "--force"))
    for ds in ["32px", "zero", "badlabel", "missclass"]:
        case(f"train-classifier data {ds}", TC + ["--data-dir", f"bad/{ds}", "--out", "fx/k.safetensors"], expect="either" if ds == "missclass" else "refuse", names=(ds, "t10k", "train"), outputs=("fx/k.safetensors",), timeout=120)
    for fl, v in [("--max-shift", "-1"), ("--max-shift", "100"), ("--batch", "0"), ("--learning-rate", "0"), ("--epochs", "-2")]:
        case(f"train-classifier {fl} {v}", TC + [fl, v, "--out", "fx/k.safetensors", "--data-dir", "bad/small"], names=(fl,))
    TT = ["train-transport", "--dataset", "mnist", "--checkpoints", "ckvae"] + TINY + F
    for ds in ["missclass", "five", "32px", "one", "zero", "constant", "bomb"]:
        case(f"train-transport data {ds}", TT + ["--data-dir", f"bad/{ds}"], names=(ds, "train"), timeout=150)
    case("train-transport existing map", ["train-transport", "--dataset", "mnist"] + TINY + F, names=("mnist-transport", "--force"))
    for fl, v in [("--class", "10"), ("--class", "-1"), ("--checkpoint-every", "-5"), ("--held-out", "0.9"),
                  ("--dual-refinements", "1000"), ("--monotone", "nan"), ("--threads", "0")]:
        case(f"train-transport {fl} {v}", TT + [fl, v, "--data-dir", "bad/small"], names=(fl, fl.lstrip("-").replace("-", "_")))
    case("train-transport --checkpoint-every 0 (never)", TT + ["--checkpoint-every", "0", "--data-dir", "bad/small"], expect="either", outputs=("ckvae/mnist-transport.safetensors",), timeout=150)
    case("train-transport --resume nothing", TT + ["--resume", "--data-dir", "bad/small"], names=("partial", "--resume"))
    case("train-transport nan vae", ["train-transport", "--dataset", "mnist", "--checkpoints", "ckvaenan", "--force", "--data-dir", "bad/small"] + TINY + F, names=("mnist-vae",))
    # ---------------- kill -9 mid-write
    kill_case("kill fit --force over map", ["fit", "--source", "fx/a.npy", "--target", "fx/b.npy", "--out", "fx/map.safetensors", "--force", "--steps", "3", "--width", "8", "--depth", "1"] + F,
              "fx/map.safetensors", [0.05, 0.1, 0.15, 0.2, 0.3])
    kill_case("kill strip --force over vae copy", ["strip", "--force", "checkpoints/mnist-vae.safetensors", "ckvae/mnist-vae.safetensors"], "ckvae/mnist-vae.safetensors", [0.02, 0.05, 0.08, 0.12])
    kill_case("kill calibrate (stores into map)", ["calibrate", "--dataset", "mnist", "--per-class", "2", "--temperatures", "0.9"] + F, "checkpoints/mnist-transport.safetensors", [0.5, 1.0, 2.0, 3.0], rerun=False)
