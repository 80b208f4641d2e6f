package io.btget.peer;

import io.btget.net.Transport;

/**
 * Takes an incoming connection whose handshake start (BEP 3: protocol, reserved bits, info hash) the process's
 * listener has read and routed here by info hash. It answers with our handshake and admits or refuses the peer.
 */
public interface IncomingHandler {
    /**
     * @return true when the connection was admitted (the handler owns the transport from then on); false when it
     *     was refused (the caller closes the transport)
     */
    boolean accept(Transport transport, Handshake.Start start);
}
