package dev.offshoot.auth;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.config.AuthProperties;

@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(AuthProperties properties, JsonMapper json) {
        FilterRegistrationBean<BearerTokenFilter> registration =
                new FilterRegistrationBean<>(new BearerTokenFilter(properties, json));
        registration.addUrlPatterns("/api/*");
        return registration;
    }
}
