// Parses Nextflow scripts (.nf, .config, .nf.test) with the Groovy 4 parser
// up to the CONVERSION phase: syntax and AST construction only. Nothing in the
// parsed files is executed or class-resolved (Nextflow's DSL names such as
// process, workflow, path() are unknown to plain Groovy and need not be).
// Usage: java -cp groovy-4.x.jar groovy.ui.GroovyMain nfparse.groovy FILE...
// Prints "ok FILE" or the parser's errors; exits 1 if any file fails.
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.MultipleCompilationErrorsException

if (args.length == 0) {
    System.err.println('usage: nfparse.groovy FILE...')
    System.exit(2)
}
int failed = 0
for (String name : args) {
    File f = new File(name)
    if (!f.isFile()) {
        println "FAIL ${name}: no such file"
        failed++
        continue
    }
    def unit = new CompilationUnit(new CompilerConfiguration())
    // Register under a .groovy name: the parser does not care about the
    // extension, but error messages then point at the real file.
    unit.addSource(name, f.getText('UTF-8'))
    try {
        unit.compile(Phases.CONVERSION)
        println "ok ${name}"
    } catch (MultipleCompilationErrorsException e) {
        failed++
        println "FAIL ${name}:"
        println e.message.readLines().collect { '    ' + it }.join('\n')
    }
}
System.exit(failed ? 1 : 0)
