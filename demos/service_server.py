"""The service under test, in each server strategy: ``service_server.py STRATEGY UPSTREAM_PORT``.

Every strategy serves the same HTTP/1.1 (keep-alive) request ``GET /<iterations>``: it asks the
slow upstream (demos/upstream.py) for ``/<iterations>`` on a connection it keeps per client
connection, then runs ``work(iterations)``, pure Python, and answers
``<upstream answer> <work result>``. Only how connections are spread over the machine differs:

- threads: one thread per connection in one interpreter (on a GIL build they take turns at
  the GIL for the Python work; on a free-threaded build they run it in parallel);
- asyncio: one event loop in one thread; the Python work blocks the loop while it runs;
- processes-prefork: WORKERS forked processes share the listening socket, each serving its
  connections with a thread per connection (gunicorn's gthread worker, in small);
- subinterpreters: WORKERS sub-interpreters (3.14+, concurrent.interpreters) in one process,
  each with its own GIL, each running the same accept loop on the shared listening socket.

The server prints its port, then serves until killed; it exits when its standard input
closes (its parent is gone), taking its worker processes along (they share its process group).
``--crash-after N`` makes it exit abruptly after N requests: the tests' crashing server.
"""

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
import threading

from upstream import exit_with_parent

STRATEGIES = ("threads", "asyncio", "processes-prefork", "subinterpreters")
_served = [0]  # requests answered, for --crash-after (approximate across threads: fine)


def work(iterations):
    """Pure-Python CPU work: a small integer hash over ``iterations`` steps (deterministic)."""
    h = 0
    for i in range(iterations):
        h = (h * 31 + i) % 1_000_003
    return h


def answer(upstream_body, iterations):
    """The response body for one request, so a client can check every reply."""
    return b"%s %d" % (upstream_body, work(iterations))


def response(body, status=b"200 OK"):
    return b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)


def check_crash(crash_after):
    _served[0] += 1
    if crash_after and _served[0] >= crash_after:
        os._exit(3)  # a crash: no cleanup, no reply


# --- blocking sockets: threads, prefork workers, sub-interpreters ---

def read_head(stream):
    """The request line of the next request on ``stream`` (headers skipped), or b"" at EOF."""
    line = stream.readline()
    while line in (b"\r\n", b"\n"):
        line = stream.readline()
    if not line:
        return b""
    while stream.readline().strip():
        pass
    return line


def ask_upstream(conn, upstream_file, iterations):
    conn.sendall(b"GET /%d HTTP/1.1\r\nHost: upstream\r\n\r\n" % iterations)
    length = 0
    while (header := upstream_file.readline().strip()):
        if header.lower().startswith(b"content-length:"):
            length = int(header.split(b":")[1])
    return upstream_file.read(length)


def handle_connection(client, upstream_port, crash_after):
    """Serve one keep-alive client connection until it closes (blocking, one thread)."""
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    upstream_file = upstream.makefile("rb")
    stream = client.makefile("rb")
    try:
        while (line := read_head(stream)):
            try:
                iterations = int(line.split()[1].lstrip(b"/"))
            except (IndexError, ValueError):
                client.sendall(response(b"bad request", b"400 Bad Request"))
                continue
            body = answer(ask_upstream(upstream, upstream_file, iterations), iterations)
            check_crash(crash_after)
            client.sendall(response(body))
    except OSError:
        pass  # the client went away mid-request
    finally:
        for closing in (stream, client, upstream_file, upstream):
            closing.close()


def accept_loop(listen_fd, upstream_port, crash_after):
    """Accept connections on a shared listening socket, one thread each (never returns).

    Also what a prefork worker and a sub-interpreter run: ``listen_fd`` is duplicated, so
    each caller owns its own socket object for the one listening socket.
    """
    listener = socket.socket(fileno=os.dup(listen_fd))
    while True:
        client, _ = listener.accept()
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Not daemon threads: isolated sub-interpreters refuse those. The process is killed
        # as a whole to stop, so nothing waits for them.
        threading.Thread(target=handle_connection,
                         args=(client, upstream_port, crash_after)).start()


# --- asyncio ---

async def serve_asyncio(listener, upstream_port, crash_after):
    async def handle(reader, writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                while (await reader.readline()).strip():
                    pass
                iterations = int(line.split()[1].lstrip(b"/"))
                up_writer.write(b"GET /%d HTTP/1.1\r\nHost: upstream\r\n\r\n" % iterations)
                length = 0
                while (header := (await up_reader.readline()).strip()):
                    if header.lower().startswith(b"content-length:"):
                        length = int(header.split(b":")[1])
                body = answer(await up_reader.readexactly(length), iterations)
                check_crash(crash_after)
                writer.write(response(body))
                await writer.drain()
        except (ConnectionError, ValueError, IndexError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            up_writer.close()

    server = await asyncio.start_server(handle, sock=listener)
    async with server:
        await server.serve_forever()


# --- the strategies ---

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("strategy", choices=STRATEGIES)
    parser.add_argument("upstream_port", type=int)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--crash-after", type=int, default=0)
    args = parser.parse_args(argv)
    listener = socket.create_server(("127.0.0.1", 0), backlog=4096)
    fd = listener.fileno()
    pids = []
    if args.strategy == "processes-prefork":
        # Fork before any thread starts here: a forked child gets only the forking thread.
        for _ in range(args.workers):
            pid = os.fork()
            if pid == 0:
                try:
                    accept_loop(fd, args.upstream_port, args.crash_after)
                finally:
                    os._exit(1)
            pids.append(pid)
        # Before the port is printed: the demo may stop the server right after reading it.
        signal.signal(signal.SIGTERM, lambda *_: stop_all(pids, 0))
    exit_with_parent()
    print(listener.getsockname()[1], flush=True)
    if args.strategy == "threads":
        accept_loop(fd, args.upstream_port, args.crash_after)
    elif args.strategy == "asyncio":
        asyncio.run(serve_asyncio(listener, args.upstream_port, args.crash_after))
    elif args.strategy == "subinterpreters":
        from concurrent import interpreters  # 3.14+; the demo checks before it asks

        # By module name: a function of __main__ cannot be found in another interpreter.
        from service_server import accept_loop as shared_loop

        threads = [interpreters.create().call_in_thread(
            shared_loop, fd, args.upstream_port, args.crash_after)
            for _ in range(args.workers)]
        for thread in threads:
            thread.join()
    else:
        supervise(pids)  # prefork: the workers serve; this process reaps them


def supervise(pids):
    """The prefork parent's job: reap its workers, so their CPU time is counted as ours.

    SIGTERM (the demo stopping this server; its handler is set before the port is printed)
    or the death of one worker (a crash) stops and reaps them all, then exits, with the
    crashed worker's exit code: the demo sees a crashed server, not a half-dead one. The
    harness accounts a run's CPU time through wait4, which only counts children somebody
    waited for.
    """
    pid, status = os.wait()
    pids.remove(pid)
    stop_all(pids, os.waitstatus_to_exitcode(status) or 1)


def stop_all(pids, code):
    """Kill and reap every worker in ``pids``, then exit with ``code``."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
