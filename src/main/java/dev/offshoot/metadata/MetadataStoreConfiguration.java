package dev.offshoot.metadata;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.provision.ManagedPostgres;

/** Without spring.datasource.url the metadata store is a Postgres container Offshoot manages itself. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class MetadataStoreConfiguration {

    @Bean
    ManagedMetadataStore managedMetadataStore(ManagedPostgres postgres, RuntimeProperties runtimeProperties,
            MetadataProperties properties) {
        return new ManagedMetadataStore(postgres, runtimeProperties, properties);
    }

    @Bean
    JdbcConnectionDetails jdbcConnectionDetails(ManagedMetadataStore store) {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return ManagedMetadataStore.USER;
            }

            @Override
            public String getPassword() {
                return store.password();
            }

            @Override
            public String getJdbcUrl() {
                return store.jdbcUrl();
            }
        };
    }
}
