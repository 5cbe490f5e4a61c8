#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Trains one network at one scale on luma, resumably, and exports it.

    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 /usr/bin/python3 models/training/train.py \
        --family espcn --scale 2 --steps 100000

Every --checkpoint-every steps the full state (weights, Adam, step, elapsed time,
random state) goes to models/training/checkpoints/<family>_x<scale>.pt, so a run
stopped anywhere resumes where it was with the same command. Every --eval-every
steps Set5 PSNR (Y, shave = scale, 8-bit LR input) is appended to
models/training/curves/<family>_x<scale>.csv and the model is exported to
models/<family>_x<scale>.safetensors with golden vectors for the C tests.
"""
import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import sr_data  # noqa: E402
import sr_nets  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
ROOT = os.path.dirname(MODELS)
DATASETS = os.path.join(ROOT, "..", "shared", "datasets")
# Every training set of ../shared/datasets (Set5, Set14 and BSD100 are held out).
TRAIN_SETS = ["T91", "General100", "BSD200", "DIV2K_valid_crops", "Kodak24", "McMaster"]


def load_pairs(scale, patch, sets):
    """(LR, HR) float32 luma pairs of every training image big enough for a patch."""
    pairs = []
    for path in sr_data.image_paths(DATASETS, sets):
        hr = sr_data.modcrop(sr_data.load_y(path), scale)
        lr = sr_data.degrade(hr, scale)
        if min(lr.shape) < patch:
            continue
        pairs.append((lr.astype(np.float32), (hr / 255.0).astype(np.float32)))
    return pairs


class PatchSampler:
    """Random LR/HR patch pairs with flips and 90-degree rotations."""

    def __init__(self, pairs, scale, patch, rng):
        self.pairs, self.scale, self.patch, self.rng = pairs, scale, patch, rng
        areas = np.array([lr.size for lr, _ in pairs], dtype=np.float64)
        self.weights = areas / areas.sum()

    def batch(self, n):
        p, s = self.patch, self.scale
        lrs = np.empty((n, 1, p, p), np.float32)
        hrs = np.empty((n, 1, p * s, p * s), np.float32)
        for i, k in enumerate(self.rng.choice(len(self.pairs), n, p=self.weights)):
            lr, hr = self.pairs[k]
            y = self.rng.integers(0, lr.shape[0] - p + 1)
            x = self.rng.integers(0, lr.shape[1] - p + 1)
            a = lr[y:y + p, x:x + p]
            b = hr[y * s:(y + p) * s, x * s:(x + p) * s]
            if self.rng.random() < 0.5:
                a, b = a[:, ::-1], b[:, ::-1]
            if self.rng.random() < 0.5:
                a, b = a[::-1], b[::-1]
            if self.rng.random() < 0.5:
                a, b = a.T, b.T
            lrs[i, 0], hrs[i, 0] = a, b
        return torch.from_numpy(lrs), torch.from_numpy(hrs)


def evaluate_set5(net, scale):
    net.eval()
    scores = []
    with torch.no_grad():
        for path in sr_data.image_paths(DATASETS, ["Set5"]):
            hr = sr_data.modcrop(sr_data.load_y(path), scale)
            lr = torch.from_numpy(sr_data.degrade(hr, scale).astype(np.float32))[None, None]
            sr = net(lr)[0, 0].numpy()
            scores.append(sr_data.psnr_y(sr_data.to_u8(sr), hr, scale))
    net.train()
    return float(np.mean(scores))


def learning_rate(step, start, total, base):
    """Cosine decay from base to base/100 between steps start and total."""
    t = min(max(step - start, 0) / (total - start), 1.0)
    return base * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * t)))


def run_name(args):
    """The run's checkpoint, curve and export name: <family>_x<scale>, or for a
    variant of the family's network sesr-tail3_x<scale>."""
    variant = "-tail%d" % args.tail_k if args.family == "sesr" and args.tail_k != 5 else ""
    return "%s%s_x%d" % (args.family, variant, args.scale)


def export(net, args, step, elapsed, psnr, init_from):
    """The model, with its golden vectors beside it (models/ and tests/golden/ by
    default; --export-dir puts both in one folder instead, to stage a run)."""
    name = run_name(args)
    model_dir = args.export_dir or MODELS
    golden_dir = args.export_dir or os.path.join(ROOT, "tests", "golden")
    os.makedirs(model_dir, exist_ok=True)
    os.makedirs(golden_dir, exist_ok=True)
    meta = net.metadata()
    meta.update({"colorspace": "Y BT.601 studio range, [0,1]",
                 "trained_on": "+".join(args.train_sets.split(",")),
                 "steps": str(step), "batch": str(args.batch),
                 "patch": str(args.patch),
                 "train_seconds": "%.0f" % elapsed,
                 "set5_psnr_pytorch": "%.2f" % psnr})
    if init_from:
        meta["initialised_from"] = init_from
    if hasattr(net, "export_tensors"):   # re-parameterised: the collapsed network
        tensors = net.export_tensors()
    else:
        tensors = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    safetensors_io.save(os.path.join(model_dir, name + ".safetensors"), tensors, meta)
    # Golden vectors: an odd-sized crop of a real image, and PyTorch's output on it.
    hr = sr_data.load_y(os.path.join(DATASETS, "Set5", "butterfly.png"))
    lr = sr_data.degrade(sr_data.modcrop(hr, args.scale), args.scale)
    x = torch.from_numpy(lr[17:17 + 37, 9:9 + 29].astype(np.float32))[None, None]
    with torch.no_grad():
        y = net(x)
        if hasattr(net, "forward_expanded"):
            # The golden output is the training-time network's, computed the long
            # way: the C tests then check the collapse as well as the engine.
            expanded = net.forward_expanded(x)
            gap = (expanded - y).abs().max().item()
            if gap > 1e-5:
                raise SystemExit("collapse check failed: %g between the expanded and "
                                 "the collapsed network" % gap)
            y = expanded
    safetensors_io.save(os.path.join(golden_dir, name + ".golden.safetensors"
                                     if args.export_dir else name + ".safetensors"),
                        {"input": x.numpy()[0, 0], "output": y.numpy()[0, 0]},
                        {"family": args.family, "scale": str(args.scale)})


def warm_start(net, path):
    """Copies into @net every tensor of the checkpoint at @path with the same name
    and shape: a network of one scale starts from one trained at another, as the
    FSRCNN paper fine-tunes x3/x4 from x2 (only the upsampling layer differs)."""
    source = torch.load(path)["net"]
    own = net.state_dict()
    copied = {k: v for k, v in source.items() if k in own and own[k].shape == v.shape}
    own.update(copied)
    net.load_state_dict(own)
    fresh = sorted(set(own) - set(copied))
    print("warm start from %s: %d tensors copied, fresh: %s" %
          (os.path.basename(path), len(copied), ", ".join(fresh) or "none"), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--family", default="espcn", choices=sorted(sr_nets.FAMILIES))
    ap.add_argument("--scale", type=int, default=2, choices=(2, 3, 4))
    ap.add_argument("--steps", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=48, help="LR patch side")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--schedule-start", type=int, default=0,
                    help="a second cycle: resume a finished run with a larger --steps, "
                    "a smaller --lr and this set to the step it ended at; the cosine "
                    "decay restarts there and the loss is MSE throughout")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-sets", default=",".join(TRAIN_SETS),
                    help="comma-separated folders of ../shared/datasets")
    ap.add_argument("--expansion", type=int, default=256,
                    help="sesr: width p of the collapsible linear blocks")
    ap.add_argument("--bf16", action="store_true",
                    help="forward pass under bfloat16 autocast (weights, Adam and the "
                    "loss stay float32; 1.9x faster steps for LESRCNN here); evaluation "
                    "and export are float32")
    ap.add_argument("--checkpoint-every", type=int, default=1000)
    ap.add_argument("--eval-every", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--export-dir", help="export here instead of models/ and tests/golden/")
    ap.add_argument("--tail-k", type=int, default=5, choices=(3, 5),
                    help="SESR-style: the last convolution's kernel (3: a run of its own, "
                    "named sesr-tail3_x<scale>)")
    ap.add_argument("--export-only", action="store_true",
                    help="export the checkpoint as it is (e.g. a finished cycle's), no training")
    ap.add_argument("--init-from", metavar="NAME",
                    help="a fresh run starts from checkpoint NAME (e.g. lesrcnn_x2): every "
                    "tensor whose name and shape match is copied, the rest (the "
                    "upsampler of another scale) keeps its random start; ignored when "
                    "resuming")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    name = run_name(args)
    ckpt_dir = os.path.join(HERE, "checkpoints")
    curve_dir = os.path.join(HERE, "curves")
    os.makedirs(ckpt_dir, exist_ok=True)
    os.makedirs(curve_dir, exist_ok=True)
    ckpt_path = os.path.join(ckpt_dir, name + ".pt")
    curve_path = os.path.join(curve_dir, name + ".csv")

    torch.manual_seed(args.seed)
    net = sr_nets.build(args.family, args.scale)
    if args.family == "sesr":
        net = sr_nets.SESR(args.scale, p=args.expansion, tail_k=args.tail_k)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    rng = np.random.default_rng(args.seed)
    step, elapsed = 0, 0.0
    # Where the run's weights started: set by --init-from on a fresh run, then kept
    # in the checkpoint so that later cycles (resumed with other args) still say it.
    init_from = None
    if os.path.exists(ckpt_path):
        state = torch.load(ckpt_path)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        step, elapsed = state["step"], state["elapsed"]
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        init_from = state.get("init_from")
        if args.export_only:   # the metadata says how the checkpoint was trained
            for key in ("batch", "patch", "train_sets", "expansion"):
                setattr(args, key, state["args"].get(key, getattr(args, key)))
        print("resumed %s at step %d (%.0f s trained)" % (name, step, elapsed), flush=True)
    else:
        if os.path.exists(curve_path):
            os.remove(curve_path)
        if args.init_from:
            warm_start(net, os.path.join(ckpt_dir, args.init_from + ".pt"))
            init_from = args.init_from

    if args.export_only:
        if not os.path.exists(ckpt_path):
            raise SystemExit("no checkpoint to export: " + ckpt_path)
        psnr = evaluate_set5(net, args.scale)
        export(net, args, step, elapsed, psnr, init_from)
        print("%s exported at step %d: Set5 %.3f dB" % (name, step, psnr), flush=True)
        return

    pairs = load_pairs(args.scale, args.patch, args.train_sets.split(","))
    sampler = PatchSampler(pairs, args.scale, args.patch, rng)
    print("%s: %d training images, %d steps" % (name, len(pairs), args.steps), flush=True)

    def save_checkpoint():
        tmp = ckpt_path + ".tmp"
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step,
                    "elapsed": elapsed, "rng": rng.bit_generator.state,
                    "torch_rng": torch.get_rng_state(), "args": vars(args),
                    "init_from": init_from}, tmp)
        os.replace(tmp, ckpt_path)

    t0 = time.time()
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, args.schedule_start, args.steps, args.lr)
        lr_img, hr_img = sampler.batch(args.batch)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            out = net(lr_img)
        out = out.float()
        # L1 converges faster early; the last quarter minimises MSE, which is what PSNR
        # scores; so does a second cycle.
        if args.schedule_start == 0 and step < 0.75 * args.steps:
            loss = F.l1_loss(out, hr_img)
        else:
            loss = F.mse_loss(out, hr_img)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        now = time.time()
        elapsed += now - t0
        t0 = now
        if step % args.eval_every == 0 or step == args.steps:
            psnr = evaluate_set5(net, args.scale)
            with open(curve_path, "a") as f:
                f.write("%d,%.0f,%.3f\n" % (step, elapsed, psnr))
            export(net, args, step, elapsed, psnr, init_from)
            print("%s step %d  %.0f s  loss %.5f  Set5 %.3f dB" %
                  (name, step, elapsed, loss.item(), psnr), flush=True)
        if step % args.checkpoint_every == 0 or step == args.steps:
            save_checkpoint()
            print("%s step %d  %.0f s  loss %.5f" % (name, step, elapsed, loss.item()),
                  flush=True)
            t0 = time.time()


if __name__ == "__main__":
    main()
