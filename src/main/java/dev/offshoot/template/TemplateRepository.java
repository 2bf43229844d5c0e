package dev.offshoot.template;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.repository.ListCrudRepository;

interface TemplateRepository extends ListCrudRepository<Template, UUID> {

    Optional<Template> findByName(String name);
}
