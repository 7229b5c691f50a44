import { Anchor, Button, type AnchorProps, type ButtonProps } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import { forwardRef, type ComponentPropsWithoutRef } from 'react';

const MantineAnchor = forwardRef<HTMLAnchorElement, AnchorProps & ComponentPropsWithoutRef<'a'>>(
  (props, ref) => <Anchor component="a" ref={ref} {...props} />,
);
MantineAnchor.displayName = 'MantineAnchor';

const MantineButtonAnchor = forwardRef<HTMLAnchorElement, ButtonProps & ComponentPropsWithoutRef<'a'>>(
  (props, ref) => <Button component="a" ref={ref} {...props} />,
);
MantineButtonAnchor.displayName = 'MantineButtonAnchor';

/** A Mantine anchor that navigates with the router (typed `to` and `params`). */
export const AnchorLink = createLink(MantineAnchor);
/** A Mantine button that is a router link. */
export const ButtonLink = createLink(MantineButtonAnchor);
