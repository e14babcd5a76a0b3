"""A zoo server as one student of a class hands it in (issue 24's class tests): the zoo server SLUG,
unchanged in what it does, with a small difference of the student's own: a `Server: STUDENT` field on
every answer and, for some, a shorter idle timeout. The class phase must not count either.

Run: python3 variant.py SLUG STUDENT PORT   (cwd: anywhere; the zoo is found beside this folder)
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS = os.path.join(HERE, '..', 'servers')


def main():
    slug, student, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path[:0] = [os.path.join(SERVERS, '_lib')]
    spec = importlib.util.spec_from_file_location('zoo_server', os.path.join(SERVERS, slug, 'server.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    base = getattr(mod, 'Server', None) or importlib.import_module('student_base').StudentServer

    class Student(base):
        IDLE_TIMEOUT = 15.0 if len(student) % 2 == 0 else 10.0

        def header_lines(self, status, headers, body):
            return super().header_lines(status, headers, body) + [f'Server: {student}']

    sys.argv = [sys.argv[0], str(port)]
    mod.main(Student)


if __name__ == '__main__':
    main()
