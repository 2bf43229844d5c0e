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

    /** The container's or Pod's host name as its runtime sets it, without a DNS look-up where it can. */
    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
