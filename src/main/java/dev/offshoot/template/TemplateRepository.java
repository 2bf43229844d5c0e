package dev.offshoot.template;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.repository.ListCrudRepository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read-only transaction around every query method: an aggregate's collection is loaded by a second
 * query per row while the first query's result set is still open, and without a transaction that
 * second query takes a second pool connection. Enough concurrent reads then held every connection
 * while each waited for another (the pool deadlock of bulk deletes). In a transaction both queries
 * use one connection. CRUD methods keep their own (read-write) transactions.
 */
@Transactional(readOnly = true)
interface TemplateRepository extends ListCrudRepository<Template, UUID> {

    Optional<Template> findByName(String name);

    /** Templates that ask for a warm pool. */
    List<Template> findByPoolSizeGreaterThan(int size);
}
