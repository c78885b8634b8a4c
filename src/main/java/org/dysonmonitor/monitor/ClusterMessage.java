package org.dysonmonitor.monitor;

/**
 * Marks the messages that may cross between the nodes of a cluster. The actor system serializes
 * exactly these with Jackson (CBOR): the serialization binding names this interface, and Java
 * serialization is off, so nothing else is accepted from another node.
 */
public interface ClusterMessage {
}
