"""Server: running the proxy (serve), several processes on one port (workers), TLS and the HTTP
parser check (tls), and keeping text out of third-party logs (logsafety)."""
