"""text-file/dot-dot-served: takes any target ending in .txt as a file name, so "/../x.txt" reads and writes outside its folder."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from text_base import TextServer, main  # noqa: E402


class Server(TextServer):
    def resource_name(self, path):
        # BUG: the target is used as a file name as it is: "/../secret.txt" (or an absolute path)
        # reaches files outside the server's folder.
        return path[1:] if len(path) > len('/.txt') and path.endswith('.txt') else None


if __name__ == '__main__':
    main(Server)
