import type { ReactNode } from 'react';
import { Component } from 'react';

interface OutputBoundaryProps {
  readonly kind: string;
  readonly children: ReactNode;
}

interface OutputBoundaryState {
  readonly error: unknown;
}

/** Keeps one rich output that fails to draw from taking the cell (or the page) with it. */
export class OutputBoundary extends Component<OutputBoundaryProps, OutputBoundaryState> {
  override state: OutputBoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): OutputBoundaryState {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    const why =
      this.state.error instanceof Error ? this.state.error.message : String(this.state.error);
    return (
      <p className="viz viz-notice" role="alert">
        This {this.props.kind} output could not be drawn: {why}
      </p>
    );
  }
}
