package dev.offshoot.branch;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.BearerTokenFilter;
import dev.offshoot.config.RuntimeProperties;

/**
 * Branches over REST. Create answers when the branch accepts connections (201), or with the
 * existing branch (200, created=false) when the same name and parent were asked for before.
 */
@RestController
@RequestMapping("/api/v1/branches")
class BranchController {

    private final BranchService service;
    private final RuntimeProperties runtime;

    BranchController(BranchService service, RuntimeProperties runtime) {
        this.service = service;
        this.runtime = runtime;
    }

    record BranchList(List<BranchView> items) {
    }

    @PostMapping
    ResponseEntity<BranchView> create(@RequestBody CreateBranchRequest request,
            @RequestAttribute(BearerTokenFilter.PRINCIPAL) String principal) {
        BranchService.Outcome outcome = service.create(request, principal);
        return ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(view(outcome.branch(), outcome.created(), false));
    }

    @GetMapping
    BranchList list(@RequestParam(required = false) String status, @RequestParam(required = false) String template,
            @RequestParam(name = "label", required = false) List<String> labels) {
        return new BranchList(service.list(status, template, labels).stream().map(b -> view(b, null, false)).toList());
    }

    @GetMapping("/{name}")
    BranchView get(@PathVariable String name) {
        return view(service.live(name), null, true);
    }

    /** Extends (or shortens) the expiry, or changes protection. */
    @PatchMapping("/{name}")
    BranchView update(@PathVariable String name, @RequestBody UpdateBranchRequest request) {
        return view(service.update(name, request), null, false);
    }

    @PostMapping("/{name}/reset")
    BranchView reset(@PathVariable String name) {
        return view(service.reset(name), null, false);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name,
            @RequestParam(name = "force", defaultValue = "false") boolean force) {
        service.delete(name, force);
        return ResponseEntity.noContent().build();
    }

    private BranchView view(Branch branch, Boolean created, boolean withDiskUsage) {
        Long disk = withDiskUsage ? service.diskUsage(branch).orElse(null) : null;
        return BranchView.of(branch, service.templateName(branch), service.parentBranchName(branch).orElse(null),
                runtime.publicHost(), created, disk);
    }
}
