"""A local HTTP server that answers every request after a fixed delay, and a client for it.

The I/O demo needs a server it controls: a public one would add network noise, and a fixed
latency makes the ideal easy to state (K requests, C in flight: about K / C x latency).
The server runs in its own process, so that its work never competes with the client's
threads for a GIL. ``python loopback.py 20`` serves with 20 ms latency and prints its port.

The client is a plain importable function, because worker processes and sub-interpreters
receive it by reference and import it by name.
"""

import asyncio
import http.client
import subprocess
import sys


def fetch(port, n):
    """GET /n from the server; the answer is n squared, so every reply can be checked."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/{n}")
        return int(connection.getresponse().read())
    finally:
        connection.close()


async def fetch_async(port, n):
    """The same request on asyncio streams (the standard library has no asyncio HTTP client)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /{n} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    response = await reader.read()  # HTTP/1.0: the server closes after its reply
    writer.close()
    await writer.wait_closed()
    return int(response.split(b"\r\n\r\n", 1)[1])


async def serve(latency_s):
    """Serve forever: each request waits ``latency_s`` without blocking the others."""

    async def handle(reader, writer):
        request_line = await reader.readline()  # b"GET /7 HTTP/1.1\r\n"
        while (await reader.readline()).strip():
            pass  # the headers do not matter here
        await asyncio.sleep(latency_s)  # the slow backend every request waits for
        n = int(request_line.split()[1].lstrip(b"/"))
        body = str(n * n).encode()
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()

    # A deep backlog: with a hundred clients connecting at once none should be refused.
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)  # tell the parent our port
    async with server:
        await server.serve_forever()


class Server:
    """``with Server(latency_s) as port:`` runs the server in a child process meanwhile."""

    def __init__(self, latency_s):
        self.latency_s = latency_s
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, __file__, str(self.latency_s * 1000)],
                                        stdout=subprocess.PIPE, text=True)
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.__exit__()
            raise RuntimeError("the loopback server did not start (see its error above)")
        return int(port)

    def __exit__(self, *exc_info):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()


if __name__ == "__main__":
    asyncio.run(serve(float(sys.argv[1]) / 1000))
