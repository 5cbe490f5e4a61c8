#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyTorch's CPU inference of our networks, with the same weights, for sr-bench.

Run with Debian's /usr/bin/python3 (python3-torch) and, for PyTorch's best speed,
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (sr-bench sets both). Prints one JSON object
a line: first {"torch": ...} describing the setup, then one line per model, input
size and mode, {"model", "scale", "width", "height", "mode", "frames", "seconds",
"cpu_seconds", "fps"}, or {"error": ...}. Exits 3 when torch cannot be imported.

With --serve it runs one model at one size in its fastest mode (each mode timed for
--seconds first; {"serving": mode}), then one call per line read from its input,
answering each with {"seconds", "cpu_seconds"}: sr-bench takes turns with it.

Only the network is timed, on a float tensor already in [0,1]: no 8-bit conversion,
no clamping, which the C engine's timings include. That favours PyTorch slightly.
"""
import argparse
import copy
import json
import os
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRAINING = os.path.join(HERE, "..", "..", "models", "training")


def emit(obj):
    print(json.dumps(obj), flush=True)


def read_safetensors(path, torch):
    """The tensors and metadata of a model file (models/FORMAT.md): an 8-byte
    little-endian header length, a JSON header, then raw little-endian float32."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = flat.reshape(info["shape"]).clone()
    return tensors, meta


def load_model(path, torch, sr_nets):
    tensors, meta = read_safetensors(path, torch)
    net = sr_nets.build_inference(meta["family"], int(meta["scale"]), meta.get("channels"))
    net.load_state_dict(tensors, strict=True)
    return net.eval(), meta


def variants(net, x, torch):
    """(mode, callable, input): eager, channels_last, frozen TorchScript, and frozen
    TorchScript optimised for inference (oneDNN layouts), whichever of them works."""
    yield "eager", net, x, torch.inference_mode
    cl = copy.deepcopy(net).to(memory_format=torch.channels_last)
    yield "channels_last", cl, x.contiguous(memory_format=torch.channels_last), \
        torch.inference_mode
    with torch.no_grad():
        frozen = torch.jit.freeze(torch.jit.script(copy.deepcopy(net).eval()))
    yield "torchscript_frozen", frozen, x, torch.no_grad
    with torch.no_grad():
        opt = torch.jit.optimize_for_inference(torch.jit.script(copy.deepcopy(net).eval()))
    yield "torchscript_optimized", opt, x, torch.no_grad


def time_mode(fn, x, grad_off, frames, seconds, warmup):
    """Warms up (TorchScript's profiling executor optimises over the first calls,
    oneDNN picks its kernels on the first), then times: exactly @frames calls, or
    calls for at least @seconds (and 3). Returns calls, wall and CPU seconds."""
    with grad_off():
        for _ in range(warmup):
            fn(x)
        n = 0
        cpu = time.process_time()
        start = time.perf_counter()
        while True:
            fn(x)
            n += 1
            elapsed = time.perf_counter() - start
            if (frames > 0 and n >= frames) or (frames <= 0 and elapsed >= seconds and n >= 3):
                return n, elapsed, time.process_time() - cpu


def serve(net, x, torch, seconds, warmup):
    """Picks the fastest mode, then runs one call per input line until end of input."""
    best = None
    for mode, fn, xin, grad_off in variants(net, x, torch):
        n, elapsed, _ = time_mode(fn, xin, grad_off, 0, seconds, warmup)
        if best is None or elapsed / n < best[0]:
            best = (elapsed / n, mode, fn, xin, grad_off)
    _, mode, fn, xin, grad_off = best
    emit({"serving": mode})
    with grad_off():
        for _ in sys.stdin:
            cpu = time.process_time()
            start = time.perf_counter()
            fn(xin)
            emit({"seconds": time.perf_counter() - start,
                  "cpu_seconds": time.process_time() - cpu})


def parse_sizes(text):
    sizes = []
    for item in text.split(","):
        w, h = item.lower().split("x")
        sizes.append((int(w), int(h)))
    return sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", action="append", required=True, help=".safetensors file")
    ap.add_argument("--sizes", default="640x360,960x540")
    ap.add_argument("--frames", type=int, default=0, help="timed calls (0: --seconds)")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--training-dir", default=DEFAULT_TRAINING, help="where sr_nets.py is")
    ap.add_argument("--serve", action="store_true",
                    help="the first model at the first size, a call per input line")
    args = ap.parse_args()

    try:
        import torch
    except ImportError as e:
        emit({"error": "torch cannot be imported: %s" % e})
        return 3
    sys.path.insert(0, args.training_dir)
    import sr_nets

    torch.set_num_threads(args.threads)
    emit({"torch": torch.__version__, "threads": torch.get_num_threads(),
          "mkldnn": torch.backends.mkldnn.is_available(),
          "glibc_tunables": os.environ.get("GLIBC_TUNABLES", "")})
    if args.serve:
        net, _ = load_model(args.model[0], torch, sr_nets)
        w, h = parse_sizes(args.sizes)[0]
        serve(net, torch.rand(1, 1, h, w), torch, args.seconds, args.warmup)
        return 0
    for path in args.model:
        name = os.path.basename(path).rsplit(".", 1)[0]
        try:
            net, meta = load_model(path, torch, sr_nets)
        except Exception as e:  # a model PyTorch cannot run is reported, not fatal
            emit({"error": "%s: %s" % (path, e), "model": name})
            continue
        for w, h in parse_sizes(args.sizes):
            x = torch.rand(1, 1, h, w)
            try:
                for mode, fn, xin, grad_off in variants(net, x, torch):
                    n, elapsed, cpu = time_mode(fn, xin, grad_off, args.frames, args.seconds,
                                           args.warmup)
                    emit({"model": name, "family": meta.get("family"),
                          "scale": int(meta["scale"]), "width": w, "height": h,
                          "mode": mode, "frames": n, "seconds": elapsed, "cpu_seconds": cpu,
                          "fps": n / elapsed})
            except Exception as e:
                emit({"error": "%s %dx%d: %s" % (name, w, h, e), "model": name})
    return 0


if __name__ == "__main__":
    sys.exit(main())
