import { MantineProvider } from '@mantine/core';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';

function Providers({ children }: { children: ReactNode }) {
  return <MantineProvider>{children}</MantineProvider>;
}

/** Renders a component inside the console's theme provider (also on rerender). */
export function renderUi(ui: ReactElement): RenderResult {
  return render(ui, { wrapper: Providers });
}
