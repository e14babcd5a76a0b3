"""strip-header-names: Cleans each field name with str.strip(), which removes the Unicode spaces
\\x85 and \\xa0 too: "Content-Length\\x85: 5" becomes a Content-Length (and "Host : x" a Host)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def parse_header_line(self, line):
        if line[:1] in (' ', '\t'):
            return super().parse_header_line(line)
        name, colon, value = line.partition(':')
        # BUG: str.strip() on the name: it removes a space before the colon, and \x85 or \xa0 after it.
        return super().parse_header_line(name.strip() + colon + value)


if __name__ == '__main__':
    main(Server)
