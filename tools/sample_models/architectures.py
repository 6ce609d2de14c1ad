"""PyTorch architectures of the sample models (issue 3). Every block is
conv -> batch norm -> activation (-> pool) -> dropout; BatchNorm after a Conv is folded
into the Conv by the legacy ONNX exporter, Dropout disappears in eval mode. forward()
returns the output activation (sigmoid or identity); logits() what the loss sees."""
from __future__ import annotations

import torch
import torch.nn as nn


class Exp(nn.Module):
    def forward(self, x):
        return torch.exp(x)


def activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU(), "exp": Exp()}[name]


class MultitaskDeep(nn.Module):
    """conv 32x19 (ReLU or exp) -> conv 48x7 -> maxpool 4 -> conv 96x7 -> maxpool 4 ->
    conv 128x3 -> maxpool 3 -> dense 512 -> 12 sigmoid outputs; batch norm and dropout
    after each layer ('same' padding)."""

    def __init__(self, first_activation: str = "relu", tasks: int = 12, length: int = 200,
                 dropout=(0.1, 0.2, 0.3, 0.4, 0.5), bn_after_activation: bool = False):
        super().__init__()
        d = dropout
        first = ([nn.Conv1d(4, 32, 19, padding=9), activation(first_activation), nn.BatchNorm1d(32)]
                 if bn_after_activation else
                 [nn.Conv1d(4, 32, 19, padding=9), nn.BatchNorm1d(32), activation(first_activation)])
        self.features = nn.Sequential(
            *first, nn.Dropout(d[0]),
            nn.Conv1d(32, 48, 7, padding=3), nn.BatchNorm1d(48), nn.ReLU(), nn.MaxPool1d(4), nn.Dropout(d[1]),
            nn.Conv1d(48, 96, 7, padding=3), nn.BatchNorm1d(96), nn.ReLU(), nn.MaxPool1d(4), nn.Dropout(d[2]),
            nn.Conv1d(96, 128, 3, padding=1), nn.BatchNorm1d(128), nn.ReLU(), nn.MaxPool1d(3), nn.Dropout(d[3]),
        )
        flat = 128 * (length // 4 // 4 // 3)
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(flat, 512), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(d[4]),
            nn.Linear(512, tasks),
        )

    def logits(self, x):
        return self.head(self.features(x))

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


class CodeShallow(nn.Module):
    """conv 24x19 (ReLU or exp) -> maxpool 50 -> conv 48x3 -> maxpool 2 -> dense 96 ->
    1 sigmoid output; batch norm and dropout after each layer."""

    def __init__(self, first_activation: str = "relu", length: int = 200, bn_after_activation: bool = False):
        super().__init__()
        first = ([nn.Conv1d(4, 24, 19, padding=9), activation(first_activation), nn.BatchNorm1d(24)]
                 if bn_after_activation else
                 [nn.Conv1d(4, 24, 19, padding=9), nn.BatchNorm1d(24), activation(first_activation)])
        self.features = nn.Sequential(
            *first, nn.MaxPool1d(50),
            nn.Dropout(0.1),
            nn.Conv1d(24, 48, 3, padding=1), nn.BatchNorm1d(48), nn.ReLU(), nn.MaxPool1d(2), nn.Dropout(0.2),
        )
        flat = 48 * (length // 50 // 2)
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(flat, 96), nn.BatchNorm1d(96), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(96, 1),
        )

    def logits(self, x):
        return self.head(self.features(x))

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


class DilatedResidualBlock(nn.Module):
    """conv 96x3 -> batch norm, then for dilations 2, 4, 8: ReLU -> dropout -> conv 96x3
    dilated -> batch norm; the block input is added and a ReLU follows."""

    def __init__(self, channels: int = 96, dilations=(2, 4, 8)):
        super().__init__()
        layers = [nn.Conv1d(channels, channels, 3, padding=1), nn.BatchNorm1d(channels)]
        for d in dilations:
            layers += [nn.ReLU(), nn.Dropout(0.1), nn.Conv1d(channels, channels, 3, padding=d, dilation=d),
                       nn.BatchNorm1d(channels)]
        self.body = nn.Sequential(*layers)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(x + self.body(x))


class ResidualBind(nn.Module):
    """ResidualBind (Koo et al. 2021): conv 96x11 -> dilated residual block (2, 4, 8) ->
    average-pool 10 -> dense 256 -> 1 linear output."""

    def __init__(self, length: int = 41):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(4, 96, 11, padding=5), nn.BatchNorm1d(96), nn.ReLU(), nn.Dropout(0.1),
            DilatedResidualBlock(96, (2, 4, 8)),
            nn.AvgPool1d(10), nn.Dropout(0.2),
        )
        flat = 96 * (length // 10)
        self.head = nn.Sequential(
            nn.Flatten(), nn.Linear(flat, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(256, 1),
        )

    def logits(self, x):
        return self.head(self.features(x))

    def forward(self, x):
        return self.logits(x)


def init_exponential(model: nn.Module, std: float = 0.01) -> None:
    """Small initial first-layer weights for exponential activations (Koo & Ploenzke 2021):
    the exponential acts on the raw filter scores (batch norm follows it), so exp() starts
    near 1 and training does not diverge."""
    first = next(m for m in model.modules() if isinstance(m, nn.Conv1d))
    with torch.no_grad():
        first.weight.normal_(0.0, std)
        first.bias.zero_()
