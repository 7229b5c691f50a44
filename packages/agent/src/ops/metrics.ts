/**
 * A minimal Prometheus text exposition (no dependency): counters and gauges with labels. The agent exposes a
 * handful of series, so a registry this small is enough.
 */
type Labels = Record<string, string>;

interface Series {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, { labels: Labels; value: number }>;
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

export class Metrics {
  private readonly series = new Map<string, Series>();

  private get(name: string, help: string, type: Series['type']): Series {
    let s = this.series.get(name);
    if (!s) {
      s = { name, help, type, values: new Map() };
      this.series.set(name, s);
    }
    return s;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const s = this.get(name, help, 'counter');
    const key = labelText(labels);
    const cur = s.values.get(key);
    s.values.set(key, { labels, value: (cur?.value ?? 0) + by });
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.get(name, help, 'gauge').values.set(labelText(labels), { labels, value });
  }

  render(): string {
    this.collectProcess();
    const lines: string[] = [];
    for (const s of this.series.values()) {
      lines.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
      for (const v of s.values.values()) lines.push(`${s.name}${labelText(v.labels)} ${v.value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** The process's own cost, under the names Prometheus client libraries use (dashboards and alerts expect them). */
  private collectProcess(): void {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    this.set('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss);
    this.set('nodejs_heap_size_total_bytes', 'V8 heap reserved, in bytes.', mem.heapTotal);
    this.set('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', mem.heapUsed);
    this.set(
      'nodejs_external_memory_bytes',
      'Memory of buffers and other objects outside the V8 heap.',
      mem.external,
    );
    const seconds = this.get(
      'process_cpu_seconds_total',
      'User and system CPU time spent, in seconds.',
      'counter',
    );
    seconds.values.set('', { labels: {}, value: (cpu.user + cpu.system) / 1e6 });
  }
}
