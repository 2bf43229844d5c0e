package dev.offshoot.replica;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.springframework.stereotype.Component;

/**
 * Who this process is among the replicas: host name, process id and a random part (two containers
 * may both be process 1 on hosts of one name). Names its lock session in pg_stat_activity and its
 * log lines about leadership.
 */
@Component
public class ReplicaIdentity {

    private final String id;

    ReplicaIdentity() {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        this.id = host() + ":" + ProcessHandle.current().pid() + ":" + HexFormat.of().formatHex(random);
    }

    public String id() {
        return id;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
