"""record-dialogue/students-file: the course's variant, done right: the store is students.json and every
request names that file in its target, as the course's client sends it, without the leading slash
(`GET students.json HTTP/1.1`, `POST students.json HTTP/1.1`; `/students.json` works too). GET of the
file answers the whole store; there is no GET of one record. Any other target: 404. (The base's
StudentsFileServer, unchanged.)"""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from record_base import StudentsFileServer, main  # noqa: E402

if __name__ == '__main__':
    main(StudentsFileServer)
