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

    def forward(self, x):
        x = self.first_act(self.first(x))
        x = self.shrink_act(self.shrink(x))
        for conv, act in zip(self.map, self.map_act):
            x = act(conv(x))
        x = self.expand_act(self.expand(x))
        return self.deconv(x)

    def metadata(self):
        return {"family": self.family, "scale": str(self.scale),
                "channels": "%d,%d,%d" % (self.first.out_channels,
                                          self.shrink.out_channels, len(self.map)),
                "activation": "prelu"}


class LESRCNN(nn.Module):
    """LESRCNN-style (Tian et al., 2020, as its authors' code builds it), on luma:
    head 3x3 1->c (x1); 8 units of 3x3 c->c + ReLU then 1x1 c->c, each added to a
    running sum that starts from x1, then ReLU; one sub-pixel upsampler (3x3 c->c*r^2
    + shuffle, x4 as two x2 rounds) shared by the last unit's output and ReLU(x1),
    summed, ReLU; then at high resolution `refine` 3x3 convs of width `hr` + ReLU
    and a 3x3 conv to 1. `c` = 64, `hr` = 64 is the paper; narrower `hr` trains and
    runs faster. Not yet trained nor loadable by the C engine (issue 3)."""

    family = "lesrcnn"

    def __init__(self, scale, c=64, hr=64, units=8, refine=4):
        super().__init__()
        self.scale = scale
        self.head = nn.Conv2d(1, c, 3, padding=1)
        self.unit3 = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(units)])
        self.unit1 = nn.ModuleList([nn.Conv2d(c, c, 1) for _ in range(units)])
        rounds = [2, 2] if scale == 4 else [scale]
        self.up = nn.ModuleList([nn.Conv2d(c, c * r * r, 3, padding=1) for r in rounds])
        self.rounds = rounds
        self.to_hr = nn.Conv2d(c, hr, 3, padding=1)
        self.refine = nn.ModuleList([nn.Conv2d(hr, hr, 3, padding=1) for _ in range(refine - 1)])
        self.tail = nn.Conv2d(hr, 1, 3, padding=1)

    def upsample(self, x):
        for conv, r in zip(self.up, self.rounds):
            x = F.pixel_shuffle(conv(x), r)
        return x

    def forward(self, x):
        x1 = self.head(x)
        x1_1 = F.relu(x1)
        total, u = x1, x1_1
        for c3, c1 in zip(self.unit3, self.unit1):
            total = total + c1(F.relu(c3(u)))
            u = F.relu(total)
        y = F.relu(self.upsample(u) + self.upsample(x1_1))
        y = F.relu(self.to_hr(y))
        for conv in self.refine:
            y = F.relu(conv(y))
        return self.tail(y)

    def metadata(self):
        return {"family": self.family, "scale": str(self.scale),
                "channels": "%d,%d" % (self.head.out_channels, self.to_hr.out_channels),
                "activation": "relu"}


FAMILIES = {"espcn": ESPCN, "fsrcnn": FSRCNN, "lesrcnn": LESRCNN}


def build(family, scale):
    return FAMILIES[family](scale)
