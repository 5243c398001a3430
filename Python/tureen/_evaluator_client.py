"""The evaluator command that `greedy_soup` hands the binary: asks the Python process that called
`greedy_soup` for the score of the candidate at PATH, over the Unix socket at ADDRESS, and prints it.

    python -m tureen._evaluator_client ADDRESS PATH

One JSON line each way: {"path": …} there, {"score": …} or {"error": …} back."""
import json
import socket
import sys


def main() -> int:
    address, path = sys.argv[1], sys.argv[2]
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.connect(address)
        connection.sendall(json.dumps({"path": path}).encode() + b"\n")
        reply = json.loads(connection.makefile("rb").readline())
    if "score" in reply:
        print(repr(float(reply["score"])))
        return 0
    print(f"the Python evaluator raised: {reply['error']}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
