"""The super-resolution networks, on one luma channel in [0,1].

Parameter names are the tensor names of the model files the C engine loads,
so a network trained here loads in the plugin as it is.
"""
import torch
import torch.nn as nn


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


FAMILIES = {"espcn": ESPCN, "fsrcnn": FSRCNN}


def build(family, scale):
    return FAMILIES[family](scale)
