// Reports and resumes as files: Markdown is stored; PDF (pdfkit) and DOCX (docx) are
// rendered on request from that Markdown, in pure JavaScript — no headless browser.
// The Markdown we write is simple (headings, bullets, paragraphs, **bold**), and this
// renderer understands exactly that subset. Both libraries are loaded on the first
// download, not at start-up: together they are a tenth of every process's start.

interface Block { kind: 'h1' | 'h2' | 'h3' | 'bullet' | 'text'; text: string }

function blocks (markdown: string): Block[] {
  const out: Block[] = []
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd()
    if (line.trim() === '') continue
    if (line.startsWith('### ')) out.push({ kind: 'h3', text: line.slice(4) })
    else if (line.startsWith('## ')) out.push({ kind: 'h2', text: line.slice(3) })
    else if (line.startsWith('# ')) out.push({ kind: 'h1', text: line.slice(2) })
    else if (/^\s*[-*] /.test(line)) out.push({ kind: 'bullet', text: line.replace(/^\s*[-*] /, '') })
    else out.push({ kind: 'text', text: line })
  }
  return out
}

/** Plain text of a Markdown line: links become their text, emphasis markers go. */
function plain (text: string): string {
  return text.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)').replace(/\*\*([^*]+)\*\*/g, '$1').replace(/[*_`]/g, '')
}

export async function markdownToPdf (markdown: string, title: string): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit')
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, Producer: 'AfterResume' } })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  for (const block of blocks(markdown)) {
    const text = plain(block.text)
    switch (block.kind) {
      case 'h1': doc.moveDown(0.5).font('Helvetica-Bold').fontSize(20).text(text); break
      case 'h2': doc.moveDown(0.6).font('Helvetica-Bold').fontSize(14).text(text); break
      case 'h3': doc.moveDown(0.4).font('Helvetica-Bold').fontSize(12).text(text); break
      case 'bullet': doc.font('Helvetica').fontSize(10.5).text(`•  ${text}`, { indent: 12 }); break
      default: doc.font('Helvetica').fontSize(10.5).text(text)
    }
  }
  doc.end()
  return done
}

export async function markdownToDocx (markdown: string, title: string): Promise<Buffer> {
  const { Document, HeadingLevel, Packer, Paragraph, TextRun } = await import('docx')
  const paragraphs = blocks(markdown).map((block) => {
    const text = plain(block.text)
    switch (block.kind) {
      case 'h1': return new Paragraph({ text, heading: HeadingLevel.HEADING_1 })
      case 'h2': return new Paragraph({ text, heading: HeadingLevel.HEADING_2 })
      case 'h3': return new Paragraph({ text, heading: HeadingLevel.HEADING_3 })
      case 'bullet': return new Paragraph({ children: [new TextRun(text)], bullet: { level: 0 } })
      default: return new Paragraph({ children: [new TextRun(text)] })
    }
  })
  const document = new Document({ title, creator: 'AfterResume', sections: [{ children: paragraphs }] })
  return Packer.toBuffer(document)
}
