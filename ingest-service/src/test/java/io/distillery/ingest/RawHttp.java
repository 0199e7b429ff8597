package io.distillery.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP/1.1 requests over a socket, for what an ordinary client cannot do: declare a body it
 * never sends, or stream a chunked body and read the answer that arrives while it is still sending.
 */
final class RawHttp {

  private static final String MULTIPART = "multipart/form-data; boundary=raw-http";

  private RawHttp() {}

  /** Sends the request line and headers of a multipart POST declaring {@code length} bytes. */
  static String postDeclaringLength(URL url, long length) throws IOException {
    try (Socket socket = open(url)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(url, "Content-Length: " + length).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return readResponse(socket.getInputStream());
    }
  }

  /**
   * Streams a chunked multipart POST with one file part of {@code fileBytes} zero bytes, stopping
   * when the server stops reading, and returns the server's answer.
   */
  static String postChunked(URL url, long fileBytes) throws IOException {
    try (Socket socket = open(url)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(url, "Transfer-Encoding: chunked").getBytes(StandardCharsets.US_ASCII));
      try {
        chunk(
            out,
            ("--raw-http\r\nContent-Disposition: form-data; name=\"image\"; filename=\"ct.nii\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] zeros = new byte[64 * 1024];
        for (long sent = 0; sent < fileBytes; sent += zeros.length) {
          chunk(out, zeros);
        }
        chunk(out, "\r\n--raw-http--\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // The server answered and closed the connection while the body was still being sent.
      }
      return readResponse(socket.getInputStream());
    }
  }

  private static Socket open(URL url) throws IOException {
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(60_000);
    return socket;
  }

  private static String head(URL url, String lengthHeader) {
    return "POST "
        + url.getPath()
        + " HTTP/1.1\r\nHost: "
        + url.getHost()
        + ":"
        + url.getPort()
        + "\r\nContent-Type: "
        + MULTIPART
        + "\r\n"
        + lengthHeader
        + "\r\n\r\n";
  }

  private static void chunk(OutputStream out, byte[] data) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads status line, headers and body until the connection closes or the body is complete. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) > 0) {
        received.write(buffer, 0, n);
        if (complete(received.toString(StandardCharsets.UTF_8))) {
          break;
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived before the timeout or reset is the answer
    }
    return received.toString(StandardCharsets.UTF_8);
  }

  private static boolean complete(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    for (String line : text.substring(0, end).split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        int length = Integer.parseInt(line.substring("content-length:".length()).trim());
        return text.length() - end - 4 >= length;
      }
    }
    return false;
  }
}
