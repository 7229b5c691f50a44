import { MantineProvider } from '@mantine/core';
import { render, within, type RenderResult } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';

function Providers({ children }: { children: ReactNode }) {
  return <MantineProvider>{children}</MantineProvider>;
}

/** Renders a component inside the console's theme provider (also on rerender). */
export function renderUi(ui: ReactElement): RenderResult {
  return render(ui, { wrapper: Providers });
}

/** The text of every body row's cells of a table (header row left out), e.g. `cellsOf(screen.getByRole('table'))`. */
export function cellsOf(table: HTMLElement): (string | null)[][] {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((r) =>
      within(r)
        .queryAllByRole('cell')
        .map((c) => c.textContent),
    );
}
