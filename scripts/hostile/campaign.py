#!/usr/bin/env python3
"""Hostile-input campaign against a gen-ot binary. Usage: campaign.py BINARY [FILTER]
Each case: exit code, crash, silent wrong output, destroyed/changed input, stray files, clear message."""
import hashlib, json, os, re, shutil, signal, struct, subprocess, sys, time
import numpy as np

BIN = os.path.abspath(sys.argv[1]); FILTER = sys.argv[2] if len(sys.argv) > 2 else ""
# Scratch folder (copies of checkpoints/ and data/, fixtures, results) and the repository.
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("GENOT_HOSTILE_DIR", "/tmp/gen-ot-hostile"); W = f"{ROOT}/w"; P = f"{ROOT}/pristine"
REPO = os.path.dirname(os.path.dirname(HERE))
T1 = ["--threads", "1"]
TINY = ["--steps", "5", "--width", "8", "--depth", "1", "--batch", "16", "--target-batch", "16", "--collocation", "16"]

def setup():
    shutil.rmtree(W, ignore_errors=True); shutil.rmtree(P, ignore_errors=True)
    os.makedirs(W)
    shutil.copytree(f"{REPO}/checkpoints", f"{W}/checkpoints")
    os.makedirs(f"{W}/data"); shutil.copytree(f"{REPO}/data/mnist", f"{W}/data/mnist"); shutil.copytree(f"{REPO}/data/fashion", f"{W}/data/fashion")
    subprocess.run([sys.executable, f"{HERE}/fixtures.py", W], check=True)
    # a small fitted map, and hostile variants of it
    r = subprocess.run([BIN, "fit", "--source", "fx/a.npy", "--target", "fx/b.npy", "--out", "fx/map.safetensors"] + TINY + T1, cwd=W, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    d = open(f"{W}/fx/map.safetensors", "rb").read(); n = struct.unpack("<Q", d[:8])[0]; h = json.loads(d[8:8 + n]); body = bytearray(d[8 + n:])
    def write(name, header, payload):
        hb = json.dumps(header).encode(); open(f"{W}/fx/{name}", "wb").write(struct.pack("<Q", len(hb)) + hb + bytes(payload))
    # NaN in a weight
    k = next(k for k in h if k.startswith("u.") and k.endswith("weight")); s, e = h[k]["data_offsets"]
    b2 = bytearray(body); b2[s:s + 4] = struct.pack("<f", float("nan")); write("map-nanweight.safetensors", h, b2)
    b2 = bytearray(body); b2[s:s + 4] = struct.pack("<f", 1e38); write("map-hugeweight.safetensors", h, b2)
    h2 = json.loads(json.dumps(h)); h2["__metadata__"]["width"] = "100000000"; write("map-width1e8.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); h2["__metadata__"]["depth"] = "-1"; write("map-depthneg.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); h2["__metadata__"]["dimension"] = "3"; write("map-dim3.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); h2["__metadata__"]["final_time"] = "nan"; write("map-tfnan.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); h2["__metadata__"]["classes"] = "1000000000"; write("map-classes.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); del h2[k]; write("map-missing.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); h2[k]["shape"] = [h2[k]["shape"][0] * 2, h2[k]["shape"][1]]; write("map-shape.safetensors", h2, body)
    h2 = json.loads(json.dumps(h)); h2["__metadata__"]["kind"] = "vae"; write("map-kind.safetensors", h2, body)
    nk = [x for x in h if x.startswith("base.") or "mean" in x or "scale" in x]
    if nk:
        b2 = bytearray(body); s2, _ = h[nk[0]]["data_offsets"]; b2[s2:s2 + 4] = struct.pack("<f", float("inf")); write("map-infbase.safetensors", h, b2)
    # a shipped transport map with NaN in a weight (for sample/invert/evaluate)
    os.makedirs(f"{W}/cknan"); shutil.copy(f"{W}/checkpoints/mnist-vae.safetensors", f"{W}/cknan/")
    d = open(f"{W}/checkpoints/mnist-transport.safetensors", "rb").read(); n = struct.unpack("<Q", d[:8])[0]; h = json.loads(d[8:8 + n]); body = bytearray(d[8 + n:])
    k = sorted(x for x in h if x != "__metadata__" and not x.startswith("adam") and h[x]["dtype"] == "F32")[0]; s, e = h[k]["data_offsets"]
    body[s:s + 4] = struct.pack("<f", float("nan")); hb = json.dumps(h).encode()
    open(f"{W}/cknan/mnist-transport.safetensors", "wb").write(struct.pack("<Q", len(hb)) + hb + bytes(body))
    shutil.copy(f"{W}/checkpoints/mnist-classifier.safetensors", f"{W}/cknan/")
    # VAE only (train-transport writes a new map here)
    os.makedirs(f"{W}/ckvae"); shutil.copy(f"{W}/checkpoints/mnist-vae.safetensors", f"{W}/ckvae/")
    # a VAE with NaN weights
    os.makedirs(f"{W}/ckvaenan"); shutil.copy(f"{W}/checkpoints/mnist-transport.safetensors", f"{W}/ckvaenan/"); shutil.copy(f"{W}/checkpoints/mnist-classifier.safetensors", f"{W}/ckvaenan/")
    d = open(f"{W}/checkpoints/mnist-vae.safetensors", "rb").read(); n = struct.unpack("<Q", d[:8])[0]; h = json.loads(d[8:8 + n]); body = bytearray(d[8 + n:])
    k = sorted(x for x in h if "dec" in x and h[x].get("dtype") == "F32")[0]; s, e = h[k]["data_offsets"]; body[s:e] = struct.pack("<f", float("nan")) * ((e - s) // 4)
    hb = json.dumps(h).encode(); open(f"{W}/ckvaenan/mnist-vae.safetensors", "wb").write(struct.pack("<Q", len(hb)) + hb + bytes(body))
    # mismatched VAE: fashion VAE under the mnist name
    os.makedirs(f"{W}/ckmismatch"); shutil.copy(f"{W}/checkpoints/mnist-transport.safetensors", f"{W}/ckmismatch/")
    shutil.copy(f"{W}/checkpoints/fashion-vae.safetensors", f"{W}/ckmismatch/mnist-vae.safetensors"); shutil.copy(f"{W}/checkpoints/mnist-classifier.safetensors", f"{W}/ckmismatch/")
    os.symlink("a.npy", f"{W}/fx/link-a.npy")
    shutil.copytree(W, P, symlinks=True)

def snapshot():
    out = {}
    for dp, dns, fns in os.walk(W):
        for fn in fns + [x for x in dns if os.path.islink(os.path.join(dp, x))]:
            p = os.path.join(dp, fn); st = os.lstat(p)
            out[os.path.relpath(p, W)] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out

def restore(changed, new):
    for rel in new:
        p = os.path.join(W, rel)
        if os.path.isdir(p) and not os.path.islink(p): shutil.rmtree(p)
        elif os.path.lexists(p): os.remove(p)
    for rel in changed:
        p = os.path.join(W, rel)
        if os.path.lexists(p) and not os.path.isdir(p): os.remove(p)
        elif os.path.isdir(p): shutil.rmtree(p)
        shutil.copy2(os.path.join(P, rel), p, follow_symlinks=False)
    # folders that appeared
    for dp, dns, fns in os.walk(W, topdown=False):
        for dn in dns:
            q = os.path.join(dp, dn)
            if not os.path.exists(os.path.join(P, os.path.relpath(q, W))) and not os.path.islink(q): shutil.rmtree(q, ignore_errors=True)

def msg_for(err):
    lines = err.strip().splitlines() or [""]
    errs = [l for l in lines if l.startswith("Error:")]
    return (errs or lines)[-1]

def garbage(path):
    """Why an output is garbage, or None."""
    p = os.path.join(W, path)
    if not os.path.exists(p): return f"declared output {path} not written"
    if os.path.isdir(p): return None
    data = open(p, "rb").read()
    if len(data) == 0: return f"{path} is empty"
    if p.endswith(".npy"):
        try: a = np.load(p)
        except Exception as e: return f"{path} unreadable: {e}"
        if a.size == 0: return f"{path} has 0 values {a.shape}"
        if not np.all(np.isfinite(a)): return f"{path} has non-finite values"
    if p.endswith(".csv"):
        t = data.decode(errors="replace").lower()
        if "nan" in t or "inf" in t: return f"{path} has nan/inf"
    if p.endswith(".safetensors"):
        n = struct.unpack("<Q", data[:8])[0]; h = json.loads(data[8:8 + n]); body = data[8 + n:]
        for k, v in h.items():
            if k == "__metadata__" or v["dtype"] != "F32": continue
            s, e = v["data_offsets"]; a = np.frombuffer(body[s:e], dtype="<f4")
            if not np.all(np.isfinite(a)): return f"{path}: tensor {k} non-finite"
    if p.endswith(".png"):
        import zlib
        # flat image check: all IDAT bytes equal after filter bytes is hard; use decompressed variance
        i = 8; idat = b""
        while i < len(data):
            ln = struct.unpack(">I", data[i:i + 4])[0]; t = data[i + 4:i + 8]
            if t == b"IDAT": idat += data[i + 8:i + 8 + ln]
            i += 12 + ln
        raw = zlib.decompress(idat)
        if len(set(raw)) <= 2: return f"{path} is a flat image"
    return None

CLEAR_EXPECT = re.compile(r"expected|must|need|requires?|at least|at most|only|should|valid|allowed|pass --|use ", re.I)
CLEAR_FOUND = re.compile(r"found|got|is a|has |not |no |missing|doesn't|does not|cannot|can't", re.I)

results = []
def case(name, args, expect="refuse", names=(), outputs=(), timeout=90, allow_changed=()):
    if FILTER and FILTER not in name: return
    before = snapshot(); t0 = time.time()
    try:
        r = subprocess.run([BIN] + args, cwd=W, capture_output=True, timeout=timeout)
        rc, out, err = r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        rc, out, err = "timeout", (e.stdout or b"").decode(errors="replace"), (e.stderr or b"").decode(errors="replace")
    dt = time.time() - t0
    after = snapshot()
    changed = [k for k in before if k not in after or after[k] != before[k]]
    new = [k for k in after if k not in before]
    problems = []
    text = out + err
    crash = rc == "timeout" or (isinstance(rc, int) and (rc < 0 or rc >= 128)) or any(s in text for s in ["Fatal error", "Backtrace", "Segmentation", "Illegal instruction", "Aborted", "NSCocoaErrorDomain", "Error Domain="])
    if crash: problems.append("CRASH" if rc != "timeout" else "HANG")
    destroyed = [k for k in changed if k not in allow_changed]
    if destroyed: problems.append("DESTROYED " + ",".join(destroyed))
    silent = None
    if rc == 0:
        if expect == "refuse": silent = "accepted (exit 0)"
        else:
            for o in outputs:
                g = garbage(o)
                if g: silent = g; break
    if silent: problems.append("SILENT " + silent)
    unclear = None
    if isinstance(rc, int) and rc != 0 and not crash:
        lines = (err.strip() or out.strip()).splitlines()
        errs = [l for l in lines if l.startswith("Error:")]
        msg = " ".join(errs[-1:] if errs else lines[-3:])
        if names and not any(n in msg for n in names): unclear = "does not name " + "/".join(names)
        elif not CLEAR_EXPECT.search(msg) or not CLEAR_FOUND.search(msg): unclear = "no expected/found"
        if unclear: problems.append(f"UNCLEAR({unclear}): {msg[:300]}")
    stray = [k for k in new if (isinstance(rc, int) and rc != 0) or rc == "timeout" or k not in outputs]
    stray = [k for k in stray if not any(k.startswith(o.rstrip('/') + '/') or k == o for o in outputs)]
    if stray: problems.append("STRAY " + ",".join(stray[:5]))
    res = dict(name=name, rc=rc, crash=crash, silent=bool(silent), destroyed=bool(destroyed), unclear=bool(unclear), stray=bool(stray),
               problems=problems, secs=round(dt, 1), msg=msg_for(err)[:300])
    results.append(res)
    flag = "FAIL" if problems else "ok  "
    print(f"{flag} {name[:45]:45s} rc={rc} {dt:5.1f}s {' | '.join(problems) if problems else res['msg'][:140]}", flush=True)
    restore(changed, new)

def kill_case(name, args, target, delays, rerun=True):
    """Start, kill -9 after each delay; the target (existing) must be intact, and a rerun leaves no temp files."""
    if FILTER and FILTER not in name: return
    before = snapshot(); problems = []
    for d in delays:
        p = subprocess.Popen([BIN] + args, cwd=W, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(d); p.send_signal(signal.SIGKILL); p.wait()
        if open(os.path.join(W, target), "rb").read() != open(os.path.join(P, target), "rb").read():
            # a complete new file is fine if valid; a partial one is not
            g = garbage(target)
            try:
                data = open(os.path.join(W, target), "rb").read(); n = struct.unpack("<Q", data[:8])[0]; json.loads(data[8:8 + n])
                if len(data) < 8 + n: g = g or "short"
            except Exception as e: g = f"unreadable {e}"
            if g: problems.append(f"DESTROYED after kill at {d}s: {g}")
    after = snapshot(); new = [k for k in after if k not in before]
    leftovers = [k for k in new]
    if rerun:
        subprocess.run([BIN] + args, cwd=W, capture_output=True, timeout=300)
        after2 = snapshot(); left2 = [k for k in after2 if k not in before and (".tmp" in k or os.path.basename(k).startswith("."))]
        if left2: problems.append("STRAY temp after rerun: " + ",".join(left2[:4]))
    changed = [k for k in before if k not in snapshot() or snapshot()[k] != before[k]]
    res = dict(name=name, rc="kill", crash=False, silent=False, destroyed=any("DESTROYED" in p for p in problems), unclear=False,
               stray=any("STRAY" in p for p in problems), problems=problems, secs=0, msg=f"temp after kills: {leftovers[:3]}")
    results.append(res)
    print(f"{'FAIL' if problems else 'ok  '} {name:45s} {' | '.join(problems) if problems else res['msg']}", flush=True)
    after = snapshot(); restore([k for k in before if k not in after or after[k] != before[k]], [k for k in after if k not in before])

exec(open(f"{HERE}/cases.py").read())

if __name__ == "__main__":
    if not os.environ.get("KEEP_W"): setup()
    run_cases()
    tot = dict(cases=len(results), crashes=sum(r["crash"] for r in results), silent=sum(r["silent"] for r in results),
               destroyed=sum(r["destroyed"] for r in results), unclear=sum(r["unclear"] for r in results), stray=sum(r["stray"] for r in results),
               failing_cases=sum(bool(r["problems"]) for r in results))
    print("TOTALS", json.dumps(tot))
    json.dump(results, open(f"{ROOT}/results-{os.path.basename(BIN)}.json", "w"), indent=1)
