"""The slow upstream every request of the service demo waits on: a backend with fixed latency.

``python upstream.py 10`` serves on a free loopback port, prints it, and answers each
``GET /n`` after 10 ms with ``n * n``. Connections are kept alive (HTTP/1.1 with a
Content-Length), so that a busy service does not churn through ephemeral ports.
It runs in its own process, so its own Python work never competes with the service under
test for a GIL (it does share the machine's cores: the page says so). It exits when its
standard input closes, that is when the process that started it is gone, however it died.
"""

import asyncio
import os
import sys
import threading


def exit_with_parent():
    """Exit (with the whole process group) as soon as standard input reaches end of file.

    The parent holds the write end of our stdin pipe; when it exits, crashes or is killed,
    the kernel closes it. No signal handler or /proc polling is needed, and it works for
    a SIGKILLed parent too.
    """
    def watch():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            try:
                if os.getpgrp() == os.getpid():  # a group of our own: take our workers along
                    os.killpg(os.getpgrp(), 9)
            finally:
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


async def serve(latency_s):
    """Serve forever: each request waits ``latency_s`` without blocking the others."""

    async def handle(reader, writer):
        try:
            while True:
                request_line = await reader.readline()  # b"GET /7 HTTP/1.1\r\n"
                if not request_line:
                    break
                while (await reader.readline()).strip():
                    pass  # the headers do not matter here
                await asyncio.sleep(latency_s)  # the slow backend every request waits for
                n = int(request_line.split()[1].lstrip(b"/"))
                body = str(n * n).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
                await writer.drain()
        except (ConnectionError, ValueError, IndexError):
            pass  # a client that went away, or a request that is not ours
        finally:
            writer.close()

    # A deep backlog: with hundreds of connections opening at once none should be refused.
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)  # tell the parent our port
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    exit_with_parent()
    asyncio.run(serve(float(sys.argv[1]) / 1000))
