"""byo-http/echo-gzip-shell: compresses /echo/{s} for `Accept-Encoding: gzip` through a shell pipeline, so the echoed text runs as a command."""
import os
import subprocess
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main, text  # noqa: E402


class Server(ByoServer):
    def echo(self, req, s):
        if 'gzip' not in req.header('accept-encoding', ''):
            return text(s)
        # BUG: the echoed text is pasted into a shell command line: "$(...)", backticks, ";" or "|" in
        # the path run as commands on the server's machine.
        out = subprocess.run(f'printf %s {s} | gzip', shell=True, capture_output=True, timeout=5).stdout
        return 200, {'Content-Type': 'text/plain', 'Content-Encoding': 'gzip'}, out


if __name__ == '__main__':
    main(Server)
