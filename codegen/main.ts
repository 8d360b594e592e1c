/**
 * Entry point of `npm run codegen`: for each service, reads its Smithy model from `../shared/aws-models`
 * (or `$VIGIL_MODELS_DIR`), builds the service table and writes `src/services/<dir>/generated/`.
 * With `--check`, writes nothing and exits 1 when any generated file would change (CI drift check).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema } from './build-schema.js'
import { emitService } from './emit.js'
import { loadModel } from './load-model.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const modelsDir = process.env.VIGIL_MODELS_DIR ?? resolve(root, '../shared/aws-models')

const SERVICES = [
  { model: 'guardduty.json', dir: 'guardduty', ops: 'GuardDutyOperations' },
  { model: 'inspector2.json', dir: 'inspector2', ops: 'Inspector2Operations' },
] as const

const check = process.argv.includes('--check')
let drift = 0
for (const svc of SERVICES) {
  const modelFile = join(modelsDir, svc.model)
  const model = loadModel(modelFile)
  const schema = buildSchema(model)
  const files = emitService(schema, `shared/aws-models/${svc.model}`, svc.ops)
  const outDir = join(root, 'src/services', svc.dir, 'generated')
  mkdirSync(outDir, { recursive: true })
  for (const [name, content] of Object.entries(files) as [string, string][]) {
    const path = join(outDir, name)
    let current: string | undefined
    try {
      current = readFileSync(path, 'utf8')
    } catch {
      current = undefined
    }
    if (current === content) continue
    if (check) {
      drift++
      console.error(`codegen: ${relative(root, path)} is out of date; run npm run codegen`)
    } else {
      writeFileSync(path, content)
      console.log(`codegen: wrote ${relative(root, path)}`)
    }
  }
  console.log(
    `codegen: ${svc.dir}: ${Object.keys(schema.operations).length} operations, ${Object.keys(schema.shapes).length} shapes`,
  )
}
if (drift > 0) process.exit(1)
