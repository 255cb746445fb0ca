"""Print a benchmark's Markdown result and keep it next to the scripts (bench/<name>), for the README."""
import os


def publish(text: str, name: str) -> None:
    print(text)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), "w") as f:
        f.write(text)
