"""PyTorch twin of graft's training-step benchmark (see train-step.ts).

Prints one JSON line: {"network": ms, "network:cpu": ms, ...} with the
median wall time and CPU time (all threads) of a training step (forward, softmax cross-entropy, backward, SGD update) for the
same networks, batch sizes and optimiser the TF.js side uses.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn


def small_cnn():
    layers, channels = [], 3
    for filters in (16, 32, 64):
        layers += [nn.Conv2d(channels, filters, 3, stride=2, padding=1), nn.ReLU()]
        channels = filters
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def divisible(value):
    rounded = max(8, int(value + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * value else rounded


def conv_bn(cin, cout, kernel, stride, relu6, groups=1):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return layers + [nn.ReLU6()] if relu6 else layers


class Block(nn.Module):
    def __init__(self, cin, cout, expansion, stride):
        super().__init__()
        hidden = cin * expansion
        layers = [] if expansion == 1 else conv_bn(cin, hidden, 1, 1, True)
        layers += conv_bn(hidden, hidden, 3, stride, True, groups=hidden)
        layers += conv_bn(hidden, cout, 1, 1, False)
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2(alpha):
    blocks = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
    channels = divisible(32 * alpha)
    layers = conv_bn(3, channels, 3, 2, True)
    for expansion, width, repeats, first_stride in blocks:
        out = divisible(width * alpha)
        for i in range(repeats):
            layers.append(Block(channels, out, expansion, first_stride if i == 0 else 1))
            channels = out
    layers += conv_bn(channels, 1280, 1, 1, True)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1280, 10))


def median_step_ms(model, size, batch, steps):
    x = torch.randn(batch, 3, size, size)
    y = torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(3):
        step()
    wall, cpu = [], []
    for _ in range(steps):
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    result = {}
    for name, model, size, steps in (
        ("small-cnn", small_cnn(), 64, 20),
        ("mobilenetv2-0.35", mobilenet_v2(0.35), 96, 10),
    ):
        result[name], result[name + ":cpu"] = median_step_ms(model, size, 32, steps)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
