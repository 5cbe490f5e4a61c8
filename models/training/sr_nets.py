# SPDX-License-Identifier: LGPL-2.1-or-later
"""The super-resolution networks, on one luma channel in [0,1].

Parameter names are the tensor names of the model files the C engine loads,
so a network trained here loads in the plugin as it is.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ESPCN(nn.Module):
    """Shi et al., CVPR 2016: two tanh feature layers at low resolution, then a
    convolution to scale^2 channels rearranged by a sub-pixel (pixel) shuffle."""

    family = "espcn"

    def __init__(self, scale, c1=64, c2=32):
        super().__init__()
        self.scale = scale
        self.conv1 = nn.Conv2d(1, c1, 5, padding=2)
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)
        self.conv3 = nn.Conv2d(c2, scale * scale, 3, padding=1)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = torch.tanh(self.conv2(x))
        return self.shuffle(self.conv3(x))

    def metadata(self):
        return {"family": self.family, "scale": str(self.scale),
                "channels": "%d,%d" % (self.conv1.out_channels, self.conv2.out_channels),
                "activation": "tanh"}


class FSRCNN(nn.Module):
    """Dong et al., ECCV 2016, FSRCNN(d, s, m): feature extraction 5x5 1->d, shrinking
    1x1 d->s, m mapping layers 3x3 s->s, expanding 1x1 s->d, each followed by PReLU,
    then a 9x9 transposed convolution d->1 with stride = scale."""

    family = "fsrcnn"

    def __init__(self, scale, d=56, s=12, m=4):
        super().__init__()
        self.scale = scale
        self.first = nn.Conv2d(1, d, 5, padding=2)
        self.first_act = nn.PReLU(d)
        self.shrink = nn.Conv2d(d, s, 1)
        self.shrink_act = nn.PReLU(s)
        self.map = nn.ModuleList([nn.Conv2d(s, s, 3, padding=1) for _ in range(m)])
        self.map_act = nn.ModuleList([nn.PReLU(s) for _ in range(m)])
        self.expand = nn.Conv2d(s, d, 1)
        self.expand_act = nn.PReLU(d)
        # padding 4 and output_padding scale-1 make the output exactly scale times
        # the input, pixel (0,0) of the output centred as the sub-pixel grid wants
        self.deconv = nn.ConvTranspose2d(d, 1, 9, stride=scale, padding=4,
                                         output_padding=scale - 1)
        nn.init.normal_(self.deconv.weight, std=0.001)
        nn.init.zeros_(self.deconv.bias)

        self.subpixel_index, self.subpixel_radius = _subpixel_index(9, scale, 4)

    def forward(self, x):
        x = self.first_act(self.first(x))
        x = self.shrink_act(self.shrink(x))
        for conv, act in zip(self.map, self.map_act):
            x = act(conv(x))
        x = self.expand_act(self.expand(x))
        # training takes the faster equivalent; inference (export, golden vectors,
        # the PyTorch baseline of the benchmark) the textbook transposed convolution
        return self.deconv_as_subpixel(x) if self.training else self.deconv(x)

    def deconv_as_subpixel(self, x):
        """self.deconv(x), computed as the equivalent convolution to scale^2 phases and
        a pixel shuffle (as the C engine runs it): the same function and gradients,
        1.6 times faster to train here than PyTorch's transposed convolution."""
        d = self.deconv.weight.shape[0]
        taps = torch.cat([self.deconv.weight.reshape(d, -1),
                          self.deconv.weight.new_zeros(d, 1)], 1)
        k = 2 * self.subpixel_radius + 1
        phases = self.scale * self.scale
        w = taps[:, self.subpixel_index.flatten()].reshape(d, phases, k, k)
        bias = self.deconv.bias
        assert bias is not None   # for TorchScript, which types it Optional
        bias = bias.expand(phases)
        y = F.conv2d(x, w.transpose(0, 1), bias, padding=self.subpixel_radius)
        return F.pixel_shuffle(y, self.scale)

    def metadata(self):
        return {"family": self.family, "scale": str(self.scale),
                "channels": "%d,%d,%d" % (self.first.out_channels,
                                          self.shrink.out_channels, len(self.map)),
                "activation": "prelu"}


def _subpixel_index(k, s, p):
    """For a k x k transposed convolution of stride s and padding p whose output is s
    times its input: index[a * s + b, R + u, R + v] is the tap (ky * k + kx) of the
    transposed kernel that output phase (a, b) applies to input pixel (m + u, n + v)
    for output pixel (m * s + a, n * s + b), or k * k (a zero) where none does.
    Output Y = iy * s - p + ky, so ky = (m - iy) * s + a + p = -u * s + a + p."""
    import itertools
    radius = max(abs(u) for a in range(s) for u in range(-k, k + 1)
                 if 0 <= -u * s + a + p < k)
    n = 2 * radius + 1
    index = torch.full((s * s, n, n), k * k, dtype=torch.long)
    for a, b, i, j in itertools.product(range(s), range(s), range(n), range(n)):
        ky, kx = -(i - radius) * s + a + p, -(j - radius) * s + b + p
        if 0 <= ky < k and 0 <= kx < k:
            index[a * s + b, i, j] = ky * k + kx
    return index, radius


class LESRCNN(nn.Module):
    """LESRCNN-style (Tian et al., 2020, as its authors' code builds it), on luma.

    Information extraction and enhancement: a head 3x3 1->c (x1), then `units` units,
    each a 1x1 c->c + ReLU followed by a 3x3 c->c whose output joins a running sum
    that starts from x1; the unit's output is ReLU of that sum (the paper's odd
    layers are 3x3 with the sum, even layers 1x1 + ReLU; 17 convolutions with
    units=8). Reconstruction: one sub-pixel upsampler (3x3 c->c*r^2 + shuffle, x4
    as two x2 rounds, no activation inside) with shared weights applied to the last
    unit's output and to ReLU(x1), summed, ReLU. Refinement at high resolution:
    `refine` 3x3 convs of width `hr` + ReLU, then a 3x3 conv to one channel.

    The upsampler is affine, so U(a) + U(b) = U'(a + b) where U' doubles every bias
    of U: forward() runs it once on the sum, which is the same function at half
    the cost (the C engine does the same).

    Differences from the paper (widths and mean shift) are set by the defaults
    below and documented in models/README.md."""

    family = "lesrcnn"

    def __init__(self, scale, c=48, hr=16, units=8, refine=4):
        super().__init__()
        self.scale = scale
        self.head = nn.Conv2d(1, c, 3, padding=1)
        self.pointwise = nn.ModuleList([nn.Conv2d(c, c, 1) for _ in range(units)])
        self.spatial = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(units)])
        # every round has the same factor: x4 is two x2 rounds, x2 and x3 one
        r = 2 if scale == 4 else scale
        self.round_factor = r
        self.up = nn.ModuleList([nn.Conv2d(c, c * r * r, 3, padding=1)
                                 for _ in range(2 if scale == 4 else 1)])
        self.refine = nn.ModuleList([nn.Conv2d(c if i == 0 else hr, hr, 3, padding=1)
                                     for i in range(refine)])
        self.tail = nn.Conv2d(hr, 1, 3, padding=1)

    def upsample_sum(self, a, b):
        """upsample(a) + upsample(b) with the shared upsampler, in one pass."""
        x = a + b
        for conv in self.up:
            bias = conv.bias
            assert bias is not None   # for TorchScript, which types it Optional
            x = F.pixel_shuffle(F.conv2d(x, conv.weight, 2 * bias, padding=1),
                                self.round_factor)
        return x

    def forward(self, x):
        x1 = self.head(x)
        x1_1 = F.relu(x1)
        total, u = x1, x1_1
        for pw, sp in zip(self.pointwise, self.spatial):
            total = total + sp(F.relu(pw(u)))
            u = F.relu(total)
        y = F.relu(self.upsample_sum(u, x1_1))
        for conv in self.refine:
            y = F.relu(conv(y))
        return self.tail(y)

    def metadata(self):
        return {"family": self.family, "scale": str(self.scale),
                "channels": "%d,%d,%d,%d" % (self.head.out_channels, len(self.spatial),
                                             self.tail.in_channels, len(self.refine)),
                "activation": "relu"}


class LinearBlock(nn.Module):
    """A k x k convolution cin->p followed by a 1x1 convolution p->cout, nothing
    between (and + x where `residual`): a linear map, so it equals one k x k
    convolution cin->cout, which collapsed() computes (SESR's collapsible linear
    block, Bhardwaj et al., MLSys 2022). Training runs the collapsed convolution
    (its cost does not grow with p); the gradients still reach both factors, which
    is where the wide block's easier optimisation comes from."""

    def __init__(self, cin, cout, k, p, residual=False):
        super().__init__()
        assert not residual or cin == cout
        self.k, self.residual = k, residual
        self.expand = nn.Conv2d(cin, p, k, padding=k // 2)
        self.squeeze = nn.Conv2d(p, cout, 1)
        if residual:   # x as a k x k convolution: 1 at the centre tap of channel i -> i
            identity = torch.zeros(cout, cin, k, k)
            identity[range(cout), range(cin), k // 2, k // 2] = 1
            self.register_buffer("identity", identity, persistent=False)

    def collapsed(self):
        """(weight [cout, cin, k, k], bias [cout]) of the one equivalent convolution."""
        s = self.squeeze.weight.flatten(1)                      # [cout, p]
        w = (s @ self.expand.weight.flatten(1)).view(s.shape[0], -1, self.k, self.k)
        b = s @ self.expand.bias + self.squeeze.bias
        if self.residual:
            w = w + self.identity.to(w.dtype)
        return w, b

    def forward(self, x):
        w, b = self.collapsed()
        return F.conv2d(x, w, b, padding=self.k // 2)

    def forward_expanded(self, x):
        """The same map computed as trained on paper: two convolutions (+ x)."""
        y = self.squeeze(self.expand(x))
        return y + x if self.residual else y


class SESR(nn.Module):
    """SESR-style network (Bhardwaj et al., "Collapsible Linear Blocks for
    Super-Efficient Super Resolution", MLSys 2022), on luma:

        f = PReLU(head(x))                 5x5 1->c
        h = f; per block i: h = PReLU(body_i(h))   3x3 c->c, short residual inside
        h = h + f                          long residual
        out = shuffle(tail(h) + x)         5x5 c->r^2; the input added to every
                                           phase (nearest-neighbour upsampling)

    Every convolution is a LinearBlock of expansion p at training time and one
    plain convolution at inference: export_tensors() writes the collapsed
    network, which the C engine runs with its ordinary conv/add steps."""

    family = "sesr"

    def __init__(self, scale, c=16, blocks=5, p=256, tail_k=5):
        super().__init__()
        self.scale, self.p, self.tail_k = scale, p, tail_k
        self.head = LinearBlock(1, c, 5, p)
        self.head_act = nn.PReLU(c)
        self.body = nn.ModuleList([LinearBlock(c, c, 3, p, residual=True)
                                   for _ in range(blocks)])
        self.body_act = nn.ModuleList([nn.PReLU(c) for _ in range(blocks)])
        self.tail = LinearBlock(c, scale * scale, tail_k, p)

    def _run(self, x, expanded):
        def conv(block, v):
            return block.forward_expanded(v) if expanded else block(v)
        f = self.head_act(conv(self.head, x))
        h = f
        for block, act in zip(self.body, self.body_act):
            h = act(conv(block, h))
        y = conv(self.tail, h + f) + x
        return F.pixel_shuffle(y, self.scale)

    def forward(self, x):
        return self._run(x, expanded=False)

    def forward_expanded(self, x):
        return self._run(x, expanded=True)

    def export_tensors(self):
        """The collapsed (plain) network's tensors, by the names the engine loads."""
        out = {}
        with torch.no_grad():
            for name, block in [("head", self.head), ("tail", self.tail)] + \
                    [("body.%d" % i, b) for i, b in enumerate(self.body)]:
                w, b = block.collapsed()
                out[name + ".weight"], out[name + ".bias"] = w, b
            out["head_act.weight"] = self.head_act.weight.detach().clone()
            for i, act in enumerate(self.body_act):
                out["body_act.%d.weight" % i] = act.weight.detach().clone()
        return {k: v.contiguous().numpy() for k, v in out.items()}

    def metadata(self):
        channels = "%d,%d" % (self.head_act.num_parameters, len(self.body))
        if self.tail_k != 5:
            channels += ",%d" % self.tail_k
        return {"family": self.family, "scale": str(self.scale),
                "channels": channels,
                "expansion": str(self.p),
                "activation": "prelu"}


class SESRPlain(nn.Module):
    """The collapsed SESR-style network, as its model file stores it (the tensor
    names of SESR.export_tensors()): the inference network, for PyTorch baselines."""

    family = "sesr"

    def __init__(self, scale, c=16, blocks=5, tail_k=5):
        super().__init__()
        self.scale = scale
        self.head = nn.Conv2d(1, c, 5, padding=2)
        self.head_act = nn.PReLU(c)
        self.body = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(blocks)])
        self.body_act = nn.ModuleList([nn.PReLU(c) for _ in range(blocks)])
        self.tail = nn.Conv2d(c, scale * scale, tail_k, padding=tail_k // 2)

    def forward(self, x):
        f = self.head_act(self.head(x))
        h = f
        for conv, act in zip(self.body, self.body_act):
            h = act(conv(h))
        return F.pixel_shuffle(self.tail(h + f) + x, self.scale)


FAMILIES = {"espcn": ESPCN, "fsrcnn": FSRCNN, "lesrcnn": LESRCNN, "sesr": SESR}


# The "channels" metadata of each family, as constructor arguments.
CHANNELS = {"espcn": ("c1", "c2"), "fsrcnn": ("d", "s", "m"),
            "lesrcnn": ("c", "units", "hr", "refine"), "sesr": ("c", "blocks", "tail_k")}


def build(family, scale, channels=None):
    """A network of @family at @scale, with the widths of a model file's "channels"
    metadata if given (else the defaults)."""
    kwargs = {}
    if channels:
        kwargs = dict(zip(CHANNELS[family], (int(v) for v in channels.split(","))))
    return FAMILIES[family](scale, **kwargs)


def build_inference(family, scale, channels=None):
    """The network a model file of @family holds, ready to load its tensors: the
    training network, or for a re-parameterised family its collapsed form."""
    if family == "sesr":
        kwargs = {}
        if channels:
            kwargs = dict(zip(CHANNELS["sesr"], (int(v) for v in channels.split(","))))
        return SESRPlain(scale, **kwargs)
    return build(family, scale, channels)
