"""One customer turn: guard input, retrieve, generate or quote or decline, guard output, record."""
