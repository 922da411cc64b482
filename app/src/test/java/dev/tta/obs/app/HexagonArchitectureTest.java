package dev.tta.obs.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hexagon's boundaries (docs/architecture.md), one rule each, checked on the production
 * classes of every module. Each rule is proven able to fail: every package it names must hold
 * classes, and a planted violation must be caught.
 */
@AnalyzeClasses(packages = "dev.tta.obs",
        importOptions = {ImportOption.DoNotIncludeTests.class, HexagonArchitectureTest.DoNotIncludeTestJars.class})
class HexagonArchitectureTest {
    /** A module's test helpers shared as a test jar (ports' contract suite, SmallDisk) are tests too. */
    public static final class DoNotIncludeTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    static final String DOMAIN = "dev.tta.obs.domain..";
    static final String PORTS = "dev.tta.obs.ports..";
    static final String PORTS_IN = "dev.tta.obs.ports.in..";
    static final String PORTS_OUT = "dev.tta.obs.ports.out..";
    static final String PORTS_SERVICE = "dev.tta.obs.ports.service..";
    static final String APP = "dev.tta.obs.app..";
    static final List<String> ADAPTERS = List.of("otlp", "jdbc", "sqlite", "postgres", "web", "jaeger", "mcp");

    @ArchTest
    static final ArchRule domainDependsOnlyOnTheJdk = classes().that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, "java..")
            .as("domain depends on the JDK only");

    @ArchTest
    static final ArchRule portsDependOnlyOnDomain = classes().that().resideInAPackage(PORTS)
            .should().onlyDependOnClassesThat().resideInAnyPackage(PORTS, DOMAIN, "java..")
            .as("ports depend on domain (and the JDK) only");

    @ArchTest
    static final ArchRule adaptersDoNotKnowEachOther = slices().matching("dev.tta.obs.adapters.(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(com.tngtech.archunit.base.DescribedPredicate.alwaysTrue()
                            .and(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
                                    "dev.tta.obs.adapters.sqlite..", "dev.tta.obs.adapters.postgres..")),
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.tta.obs.adapters.jdbc.."))
            .as("no adapter depends on another (the SQL stores may share adapters.jdbc)");

    @ArchTest
    static final ArchRule outboundPortsDoNotKnowInboundOnes = noClasses().that().resideInAPackage(PORTS_OUT)
            .should().dependOnClassesThat().resideInAnyPackage(PORTS_IN, PORTS_SERVICE)
            .as("outbound ports name domain types only, never inbound ports or the services");

    @ArchTest
    static final ArchRule nothingDependsOnApp = noClasses().that().resideOutsideOfPackage(APP)
            .should().dependOnClassesThat().resideInAPackage(APP)
            .as("nothing but app depends on app");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.tta.obs.(**)")
            .should().beFreeOfCycles()
            .as("no package cycles");

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(new DoNotIncludeTestJars())
            .importPackages("dev.tta.obs");

    @Test
    void everyPackageTheRulesName_holdsClasses() {
        assertThat(PRODUCTION.that(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(DOMAIN)))
                .isNotEmpty();
        assertThat(PRODUCTION.that(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(PORTS)))
                .isNotEmpty();
        for (String pkg : List.of(APP, PORTS_IN, PORTS_OUT, PORTS_SERVICE)) {
            assertThat(PRODUCTION.that(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(pkg)))
                    .as("package %s", pkg).isNotEmpty();
        }
        for (String adapter : ADAPTERS) {
            assertThat(PRODUCTION.that(com.tngtech.archunit.core.domain.JavaClass.Predicates
                    .resideInAPackage("dev.tta.obs.adapters." + adapter + "..")))
                    .as("adapter package %s", adapter).isNotEmpty();
        }
    }

    private static JavaClasses planted(String... packages) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages(packages);
        assertThat(classes).as("planted classes in %s", List.of(packages)).isNotEmpty();
        return classes;
    }

    @Test
    void domainRule_catchesAPlantedViolation() {
        JavaClasses leaky = planted("dev.tta.obs.domain.planted");
        assertThatThrownBy(() -> domainDependsOnlyOnTheJdk.check(leaky)).hasMessageContaining("picocli")
                .hasMessageContaining("io.micronaut.core.annotation.Nullable");
    }

    @Test
    void portsRules_catchAPlantedViolation() {
        JavaClasses leaky = planted("dev.tta.obs.ports.planted");
        assertThatThrownBy(() -> portsDependOnlyOnDomain.check(leaky)).hasMessageContaining("SqliteTraceStore")
                .hasMessageContaining("jakarta.inject.Singleton");
    }

    @Test
    void outboundPortRule_catchesAPlantedViolation() {
        JavaClasses leaky = planted("dev.tta.obs.ports.out.planted");
        assertThatThrownBy(() -> outboundPortsDoNotKnowInboundOnes.check(leaky)).hasMessageContaining("QueryTraces")
                .hasMessageContaining("TraceQueryService");
        // ports.out may use itself and the domain: the rule is not simply "everything fails"
        outboundPortsDoNotKnowInboundOnes.check(PRODUCTION);
    }

    @Test
    void adapterRules_catchAPlantedViolation() {
        JavaClasses leaky = new ClassFileImporter().importPackages("dev.tta.obs.adapters.web.planted",
                "dev.tta.obs.adapters.sqlite", "dev.tta.obs.app");
        assertThatThrownBy(() -> adaptersDoNotKnowEachOther.check(leaky)).hasMessageContaining("LeakyAdapter");
        assertThatThrownBy(() -> nothingDependsOnApp.check(leaky)).hasMessageContaining("LeakyAdapter");
    }

    @Test
    void cycleRule_catchesAPlantedCycle() {
        JavaClasses cycle = planted("dev.tta.obs.plantedcycle");
        assertThatThrownBy(() -> noPackageCycles.check(cycle)).hasMessageContaining("CycleA");
    }
}
