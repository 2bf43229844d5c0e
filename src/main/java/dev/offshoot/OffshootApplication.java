package dev.offshoot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class OffshootApplication {

    public static void main(String[] args) {
        SpringApplication.run(OffshootApplication.class, args);
    }
}
